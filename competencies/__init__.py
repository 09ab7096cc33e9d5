"""Competencies: the endorsement's requirements as data, the candidate's
portfolio evidence, the rules that check one against the other, coordinator
review, and the documentation of competencies."""
