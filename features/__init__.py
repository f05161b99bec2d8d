"""From catalogue rows and needs to vectors: taxonomies, name resolution, vectorisers."""
