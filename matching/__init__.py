"""Retrieval, rankers, triads, diversity, explanations, evaluation and model persistence."""
