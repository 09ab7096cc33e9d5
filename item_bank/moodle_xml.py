"""Moodle XML question files (<quiz>), turned into QTI 2.1 assessmentItems for the one reader.

A multichoice question with a single answer is a choiceInteraction whose key
is the answer with fraction 100; an essay is an extendedTextInteraction whose
grader information becomes the scorers' rubricBlock (a holistic rubric) and
whose word limits the expected length. Text in format html is read as HTML,
other formats (moodle_auto_format, plain_text, markdown) as plain paragraphs.
General feedback on a multichoice question is its rationale; feedback on an
answer, and the correct/incorrect feedback, is shown to a student after
answering in Moodle and never becomes candidate content here, so it is left
behind. Category entries are not questions and are passed over; other
question types are skipped.
"""

import re
from xml.etree import ElementTree as ET

from item_bank.bundle import Problem
from item_bank.qti_xml import QTI, add_element, add_paragraphs, html_fragment

SUPPORTED = {"multichoice", "essay"}
LETTERS = "ABCDEFGHIJ"
Q = f"{{{QTI}}}"


def items(root, source):
    """([(assessmentItem element, where)], [skip Problems]) for every question in a quiz."""
    converted, skipped = [], []
    for position, question in enumerate(root.findall("question"), start=1):
        kind = question.get("type", "")
        if kind == "category":
            continue
        name = (question.findtext("name/text") or "").strip()
        identifier = _identifier(question.findtext("idnumber") or name, position)
        where = f"question {position} ({name or identifier})"
        if kind not in SUPPORTED:
            skipped.append(Problem(source, where, "type", f"{kind} is not supported; question not imported"))
        elif kind == "multichoice" and question.findtext("single", "true").strip() not in ("true", "1"):
            skipped.append(Problem(source, where, "single",
                                   "multiple-response choice is not supported; question not imported"))
        else:
            convert = _multichoice if kind == "multichoice" else _essay
            converted.append((convert(question, identifier, name or identifier), where))
    return converted, skipped


def _identifier(text, position):
    """A QTI identifier from an idnumber or a question name: letters, digits, _ . -, starting with a letter."""
    identifier = re.sub(r"[^A-Za-z0-9_.-]+", "-", text.strip()).strip("-.")[:64]
    if not identifier:
        return f"MOODLE-{position}"
    return identifier if identifier[0].isalpha() else f"Q-{identifier}"[:64]


def _add_text(parent, holder):
    """The text of a Moodle <questiontext>, <answer> or the like, by its format."""
    text = (holder.findtext("text") or "") if holder is not None else ""
    if holder is not None and holder.get("format", "moodle_auto_format") == "html":
        parent.append(html_fragment(text))
    else:
        add_paragraphs(parent, text)


def _item(identifier, title):
    return ET.Element(Q + "assessmentItem", identifier=identifier, title=title, adaptive="false",
                      timeDependent="false")


def _multichoice(question, identifier, title):
    root = _item(identifier, title)
    answers = question.findall("answer")
    declaration = add_element(root, Q + "responseDeclaration", identifier="RESPONSE", cardinality="single",
                              baseType="identifier")
    keys = [LETTERS[index] for index, answer in enumerate(answers[:len(LETTERS)])
            if _fraction(answer.get("fraction")) == 100]
    if keys:
        correct = add_element(declaration, Q + "correctResponse")
        for key in keys:
            add_element(correct, Q + "value", key)
    body = add_element(root, Q + "itemBody")
    _add_text(body, question.find("questiontext"))
    shuffle = question.findtext("shuffleanswers", "true").strip() in ("true", "1")
    interaction = add_element(body, Q + "choiceInteraction", responseIdentifier="RESPONSE",
                              shuffle=str(shuffle).lower(), maxChoices="1")
    for letter, answer in zip(LETTERS, answers):
        _add_text(add_element(interaction, Q + "simpleChoice", identifier=letter), answer)
    general = question.find("generalfeedback")
    if general is not None and (general.findtext("text") or "").strip():
        feedback = add_element(root, Q + "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="RATIONALE",
                               showHide="show")
        _add_text(feedback, general)
    return root


def _essay(question, identifier, title):
    root = _item(identifier, title)
    add_element(root, Q + "responseDeclaration", identifier="RESPONSE", cardinality="single", baseType="string")
    body = add_element(root, Q + "itemBody")
    _add_text(body, question.find("questiontext"))
    low, high = (_whole(question.findtext(name)) for name in ("minwordlimit", "maxwordlimit"))
    if high:
        add_element(body, Q + "p", f"Expected length: {low or 0} to {high} words.", class_="expected-length")
    add_element(body, Q + "extendedTextInteraction", responseIdentifier="RESPONSE")
    grader = question.find("graderinfo")
    if grader is not None and (grader.findtext("text") or "").strip():
        _add_text(add_element(body, Q + "rubricBlock", view="scorer"), grader)
    return root


def _fraction(text):
    try:
        return float(text or 0)
    except ValueError:
        return 0.0


def _whole(text):
    text = (text or "").strip()
    return int(text) if text.isdigit() else None
