"""Exam sessions, attempts, timing, responses and their saving: the candidate's sitting."""
