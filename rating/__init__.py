"""Vignette rating: blind double scoring against rubrics, adjudication, rater
quality, and the exam result that joins the rated part to the keyed part."""
