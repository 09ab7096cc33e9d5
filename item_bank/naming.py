"""How a question on a form is named for people: by its part and its place
in the part, as the candidate's runner numbers it ("Part Two, question 2"),
never by its place in the whole form. Staff (raters, coordinators,
psychometricians, proctors) see the item's bank code beside it; a
candidate never does, so the candidate's name carries no code at all."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class QuestionName:
    part_position: int  # for sorting only: the part's place in the form
    number: int  # the question's place in its part, from 1
    part: str  # the part's title

    def __str__(self):
        return f"{self.part}, question {self.number}"


def question_name(form_item):
    """The name a candidate reads: "Part Two, question 2"."""
    section = form_item.section
    return QuestionName(section.position, form_item.position, section.title)


def staff_question_name(form_item):
    """The name staff read: "Part Two, question 2 (VIG-003)"."""
    return f"{question_name(form_item)} ({form_item.item_version.item.identifier})"
