"""Rich item text: the XHTML subset, sanitised on the way in and out, checked
by the kinds, and plain text left exactly as it was."""

from html.parser import HTMLParser

import pytest

from item_bank import items as item_service
from item_bank import rich
from item_bank.kinds import kind_of
from tests.item_bank_fixtures import cr_content, sr_content

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
BANK_IMAGE = f'<img src="/item-bank/images/{DIGEST}" alt="A parent holds an infant">'
# What each payload would do if it ran; none of it may survive as markup.
PAYLOADS = [
    "<script>attest_pwned()</script>",
    '<img src="x" onerror="attest_pwned()" alt="x">',
    '<p onclick="attest_pwned()">click</p>',
    '<a href="javascript:attest_pwned()">link</a>',
    '<iframe src="javascript:attest_pwned()"></iframe>',
    '<iframe srcdoc="&lt;script&gt;attest_pwned()&lt;/script&gt;"></iframe>',
    '<p style="background: url(javascript:attest_pwned())">styled</p>',
    "<style>body { background: url(attest_pwned) }</style>",
    '<svg onload="attest_pwned()"><script>attest_pwned()</script></svg>',
    '<img src="https://evil.example/attest_pwned.png" alt="tracker">',
    '<img src="//evil.example/attest_pwned.png" alt="tracker">',
    '<object data="attest_pwned.swf"></object><embed src="attest_pwned.swf">',
    '<math><mtext><table><mglyph><style><img src=x onerror="attest_pwned()"></style></mglyph></table></mtext></math>',
    '<form action="/attest_pwned"><input name="x"></form>',
    '<p class="attest_pwned" id="attest_pwned">classed</p>',
    "<!-- attest_pwned --><p>commented</p>",
]
HOSTILE = "<p>Intro</p>" + "".join(PAYLOADS)
# Those a writer may send and have removed; an image from outside the bank is refused instead.
HOSTILE_ACCEPTED = "<p>Intro</p>" + "".join(payload for payload in PAYLOADS if "<img" not in payload)
ALLOWED_ATTRIBUTES = {("img", "src"), ("img", "alt"), ("th", "scope"), ("th", "colspan"), ("th", "rowspan"),
                      ("td", "colspan"), ("td", "rowspan")}


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]


def assert_inert(fragment):
    """Only the subset's elements and attributes, and an image only from the bank."""
    parser = _Markup()
    parser.feed(fragment)
    assert set(parser.tags) <= rich.TAGS - {"b", "i"}, fragment
    assert {(tag, name) for tag, name, _ in parser.attributes} <= ALLOWED_ATTRIBUTES, fragment
    assert all(value.startswith("/item-bank/images/") for tag, name, value in parser.attributes if name == "src")
    assert "attest_pwned" not in fragment


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_removed_by_sanitising(payload):
    assert_inert(rich.sanitise(payload))


def test_the_subset_survives_sanitising_as_written():
    fragment = ("<p>A <strong>bold</strong>, <em>emphatic</em>, <u>underlined</u> H<sub>2</sub>O x<sup>2</sup>"
                "<br>line</p><ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quoted</p></blockquote>"
                '<table><caption>Scores</caption><thead><tr><th scope="col">Age</th></tr></thead>'
                f'<tbody><tr><td colspan="2">6 months</td></tr></tbody></table><p>{BANK_IMAGE}</p>')

    assert rich.sanitise(fragment) == fragment


def test_bold_and_italic_become_the_subsets_emphasis_and_white_space_settles():
    assert rich.sanitise("<p>\n  <b>bold</b>\n  <i>italic</i>  </p>\n<ul>\n  <li> one </li>\n</ul>") == (
        "<p><strong>bold</strong> <em>italic</em></p><ul><li>one</li></ul>")


def test_plain_text_renders_exactly_as_the_templates_did():
    text = "First <paragraph> & more.\n\nSecond."

    assert rich.render(text, False, "p") == "<p>First &lt;paragraph&gt; &amp; more.</p><p>Second.</p>"
    assert rich.render(text, False, "span") == ('<span class="paragraph">First &lt;paragraph&gt; &amp; more.</span>'
                                                '<span class="paragraph">Second.</span>')
    assert rich.render(text, False) == "First &lt;paragraph&gt; &amp; more.\n\nSecond."


def test_xhtml_is_sanitised_again_as_it_is_shown():
    shown = rich.render(HOSTILE, True)

    assert shown.startswith('<div class="rich-text"><p>Intro</p>')
    assert_inert(shown.removeprefix('<div class="rich-text">').removesuffix("</div>"))


def test_plain_text_of_xhtml_keeps_paragraphs_and_drops_tags():
    assert rich.plain_text("<p>One <strong>two</strong></p><ul><li>three</li><li>four</li></ul>", True) == (
        "One two\n\nthree\n\nfour")


# The kinds: validation names the field, normalising sanitises, plain stays plain.

def xhtml_sr(**changes):
    return sr_content() | {"format": "xhtml"} | changes


def test_an_image_without_alt_text_is_an_error_naming_the_field():
    content = xhtml_sr()
    content["options"][1]["text"] = f'<p>See <img src="/item-bank/images/{DIGEST}"></p>'

    errors = [str(error) for error in kind_of("selected_response").validate(content)]

    assert errors == ["options[1].text: image needs alt text"]


@pytest.mark.parametrize("field", ["scenario", "prompts[0]"])
def test_a_vignette_image_from_outside_the_bank_is_an_error(field):
    content = cr_content() | {"format": "xhtml"}
    outside = '<p><img src="https://example.org/photo.png" alt="A photo"></p>'
    if field == "scenario":
        content["scenario"] = outside
    else:
        content["prompts"] = [outside]

    errors = [str(error) for error in kind_of("constructed_response").validate(content)]

    assert errors == [f"{field}: image must be one uploaded to the item bank"]


def test_markup_with_nothing_to_read_leaves_a_required_field_empty():
    errors = [str(error) for error in kind_of("selected_response").validate(xhtml_sr(stem="<p><script>x</script></p>"))]

    assert errors == ["stem: is required"]


def test_an_unknown_format_is_refused():
    errors = [str(error) for error in kind_of("selected_response").validate(sr_content() | {"format": "markdown"})]

    assert errors == ['format: must be "xhtml" or absent (plain text)']


def test_an_image_from_outside_the_bank_is_refused_not_removed():
    errors = [str(error) for error in kind_of("selected_response").validate(xhtml_sr(stem=HOSTILE))]

    assert errors == ["stem: image must be one uploaded to the item bank"] * 3


def test_normalising_xhtml_removes_what_is_outside_the_subset_in_every_rich_field():
    content = xhtml_sr(stem=HOSTILE, rationale=HOSTILE)
    for option in content["options"]:
        option["text"] = HOSTILE + option["text"]
    cr = cr_content(scenario=HOSTILE, prompts=(HOSTILE + "First?", HOSTILE + "Second?")) | {"format": "xhtml"}

    normal = kind_of("selected_response").normalise(content)
    normal_cr = kind_of("constructed_response").normalise(cr)

    assert normal["format"] == "xhtml" and normal_cr["format"] == "xhtml"
    for fragment in [normal["stem"], normal["rationale"], *(o["text"] for o in normal["options"]),
                     normal_cr["scenario"], *normal_cr["prompts"]]:
        assert fragment.startswith("<p>Intro</p>")
        assert_inert(fragment)


def test_plain_text_content_is_kept_as_it_was():
    content = sr_content(stem="Does <b>this</b> stay?\n\nIt does.")

    normal = kind_of("selected_response").normalise(content)

    assert "format" not in normal and normal["stem"] == "Does <b>this</b> stay?\n\nIt does."


def test_search_and_summary_read_words_not_tags(make_item):
    item = make_item(content=xhtml_sr(stem="<p>Which <strong>response</strong> helps?</p><ul><li>Home</li></ul>"))
    kind = kind_of("selected_response")

    assert kind.summary(item.latest.content) == "Which response helps?\n\nHome"
    assert "<" not in item.latest.search_text and "which response helps?" in item.latest.search_text


def test_an_item_showing_an_image_the_bank_does_not_hold_is_refused(make_item):
    content = xhtml_sr(stem=f"<p>Look: {BANK_IMAGE}</p>")

    with pytest.raises(item_service.ItemError) as refused:
        make_item(content=content)

    assert str(refused.value) == "stem: shows an image the item bank does not hold; upload it again"
