"""Server-rendered pages for the help desk, country offices and data scientists (Jinja2, no build step)."""
