"""IMS QTI 1.2 items (questestinterop), as Questionmark, Canvas and
Blackboard export them, turned into QTI 2.1 assessmentItems for the one reader.

A response_lid with render_choice is a choiceInteraction (response_label
idents are the choices; rcardinality Multiple makes it multiple-response); a
response_str is an extendedTextInteraction (an essay). The key is what a
respcondition that sets a positive score tests with varequal. The
itemfeedback shown unconditionally (conditionvar other) or for the scoring
condition becomes the modalFeedback, the rationale; feedback for one answer
never becomes candidate content and is left behind. Canvas names the
question type in qtimetadata (question_type): types other than
multiple_choice_question and essay_question are skipped.
"""

from xml.etree import ElementTree as ET

from item_bank.bundle import Problem
from item_bank.qti_xml import QTI, add_element, add_paragraphs, html_fragment, local_name

SUPPORTED_TYPES = {"multiple_choice_question", "essay_question"}
Q = f"{{{QTI}}}"


def children(element, name):
    return [child for child in element if local_name(child.tag) == name]


def descendants(element, name):
    return [inner for inner in element.iter() if local_name(inner.tag) == name]


def items(root, source):
    """([(assessmentItem element, where)], [skip Problems]) for every item in a questestinterop document."""
    converted, skipped = [], []
    for item in descendants(root, "item"):
        identifier = item.get("ident", "").strip()
        where = f"item {identifier}"
        question_type = _metadata(item).get("question_type")
        if question_type and question_type not in SUPPORTED_TYPES:
            skipped.append(Problem(source, where, "question_type", f"{question_type} is not supported; item not imported"))
            continue
        presentation = next(iter(descendants(item, "presentation")), None)
        if presentation is None:
            skipped.append(Problem(source, where, "presentation", "is missing; item not imported"))
            continue
        converted.append(_assessment_item(item, identifier, presentation))
    return converted, skipped


def _metadata(item):
    fields = {}
    for field in descendants(item, "qtimetadatafield"):
        label, entry = (children(field, name) for name in ("fieldlabel", "fieldentry"))
        if label and entry:
            fields[(label[0].text or "").strip()] = (entry[0].text or "").strip()
    return fields


def _assessment_item(item, identifier, presentation):
    root = ET.Element(Q + "assessmentItem", identifier=identifier, title=item.get("title") or identifier,
                      adaptive="false", timeDependent="false")
    body = ET.Element(Q + "itemBody")
    responses = []
    for element in presentation.iter():
        name = local_name(element.tag)
        if name == "material" and not _inside_response(presentation, element):
            _add_material(body, element)
        elif name == "response_lid":
            responses.append(_choice(body, element))
        elif name == "response_str":
            responses.append(element.get("ident", "RESPONSE"))
            add_element(body, Q + "extendedTextInteraction", responseIdentifier=element.get("ident", "RESPONSE"))
    key, rationale = _processing(item)
    for response in responses:
        if isinstance(response, tuple):
            ident, cardinality = response
            declaration = add_element(root, Q + "responseDeclaration", identifier=ident, cardinality=cardinality,
                                      baseType="identifier")
            values = key.get(ident, [])
            if values:
                correct = add_element(declaration, Q + "correctResponse")
                for value in values:
                    add_element(correct, Q + "value", value)
        else:
            add_element(root, Q + "responseDeclaration", identifier=response, cardinality="single", baseType="string")
    root.append(body)
    if rationale:
        feedback = add_element(root, Q + "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="RATIONALE",
                               showHide="show")
        for material in rationale:
            _add_material(feedback, material)
    return root, f"item {identifier}"


def _inside_response(presentation, material):
    return any(material in response.iter() for response in descendants(presentation, "response_lid"))


def _add_material(parent, material):
    for text in descendants(material, "mattext"):
        if "html" in text.get("texttype", ""):
            parent.append(html_fragment(text.text or ""))
        else:
            add_paragraphs(parent, text.text or "")


def _choice(body, response):
    ident = response.get("ident", "RESPONSE")
    multiple = response.get("rcardinality", "Single").lower() != "single"
    render = next(iter(descendants(response, "render_choice")), response)
    interaction = add_element(body, Q + "choiceInteraction", responseIdentifier=ident,
                              shuffle=str(render.get("shuffle", "No").lower() == "yes").lower(),
                              maxChoices="0" if multiple else "1")
    for label in descendants(response, "response_label"):
        choice = add_element(interaction, Q + "simpleChoice", identifier=label.get("ident", ""))
        for material in descendants(label, "material"):
            _add_material(choice, material)
    return ident, "multiple" if multiple else "single"


def _processing(item):
    """The key ({response ident: [label idents]}) and the rationale's material elements."""
    key, linked = {}, []
    for condition in descendants(item, "respcondition"):
        variables = next(iter(children(condition, "conditionvar")), None)
        if variables is None:
            continue
        scores = [_number(setvar.text) for setvar in children(condition, "setvar")]
        scoring = any(score > 0 for score in scores)
        if scoring:
            for equal in _tested(variables):
                key.setdefault(equal.get("respident", ""), []).append((equal.text or "").strip())
        if scoring or children(variables, "other"):
            linked += [shown.get("linkrefid") for shown in children(condition, "displayfeedback")]
    feedback = {entry.get("ident"): entry for entry in descendants(item, "itemfeedback")}
    rationale = [material for ident in dict.fromkeys(linked) if ident in feedback
                 for material in descendants(feedback[ident], "material")]
    return key, rationale


def _tested(variables):
    """The varequal tests a condition needs true: those under a `not` are left out."""
    found = []

    def walk(node):
        for child in node:
            name = local_name(child.tag)
            if name == "varequal":
                found.append(child)
            elif name != "not":
                walk(child)

    walk(variables)
    return found


def _number(text):
    try:
        return float((text or "").strip())
    except ValueError:
        return 0.0
