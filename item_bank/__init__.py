"""Competency domains, items with versions and review, blueprints and forms; JSON and QTI import/export."""
