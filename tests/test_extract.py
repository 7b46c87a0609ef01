"""EXTRACT: what a user's version text contains, and what never gets in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tosmon.errors import ExtractError
from tosmon.extract import extract, implausible
from tosmon.models import Source

PAGES = Path(__file__).parent / "data" / "pages"
URL = "https://tunebox.example/legal/terms"


def site_page(nonce: str, now: str) -> str:
    html = (PAGES / "site_terms.html").read_text(encoding="utf-8")
    return html.replace("%NONCE%", nonce).replace("%NOW%", now)


HEURISTIC = Source(url=URL)

SITE_TEXT = """\
# Terms of Service

Last updated: 3 March 2025

## 1. Introduction

These terms govern your use of Tunebox (the “Service”). By creating an account you agree to them.

## 2. Your content

You keep ownership of the music you upload. You grant Tunebox a worldwide, non-exclusive \
licence to host and stream it, solely to run the Service.

### 2.1 Machine learning

We will not use your uploads to train generative models without your opt-in consent.

1. You can opt in from your account settings.
2. You can withdraw consent at any time:
  - from the settings page;
  - by writing to legal@tunebox.example.

## 3. Cookies

| Cookie | Purpose |
| tb_session | Keeps you signed in. |"""


def test_heuristic_keeps_the_terms_and_drops_the_site_around_them():
    text = extract(site_page("n0nce", "2025-03-03T10:00:00Z"), HEURISTIC)
    assert text == SITE_TEXT


def test_nonces_and_timestamps_outside_the_terms_do_not_change_the_text():
    first = extract(site_page("a1b2c3d4", "2025-03-03T10:00:00Z"), HEURISTIC)
    second = extract(site_page("ffee9988", "2025-03-04T23:59:59Z"), HEURISTIC)
    assert first == second


def test_heuristic_without_main_element_finds_the_prose():
    html = """<html><body>
      <div class="topbar"><a href="/">Home</a> <a href="/blog">Blog</a></div>
      <nav><a href="/a">About</a></nav>
      <div class="wrapper"><div class="content">
        <h1>Privacy Policy</h1>
        <p>We collect the e-mail address you give us when you sign up for an account.</p>
        <p>We keep it for as long as your account exists and delete it afterwards.</p>
      </div></div>
      <div id="gdpr-popup">This site uses cookies. OK?</div>
      <footer>Copyright 2024 · Rendered in 12 ms</footer>
    </body></html>"""
    text = extract(html, HEURISTIC)
    assert text.startswith("# Privacy Policy\n\nWe collect the e-mail address")
    assert text.endswith("delete it afterwards.")
    for furniture in ("Home", "About", "cookies", "Copyright", "Rendered"):
        assert furniture not in text


def test_a_long_cookie_section_of_a_privacy_policy_is_terms_not_a_banner():
    section = " ".join(["We use analytics cookies to measure how the site is used."] * 40)
    html = f"""<html><body><main>
      <h1>Privacy Policy</h1><p>Introduction to this policy and who we are as a company.</p>
      <section id="cookies"><h2>Cookies</h2><p>{section}</p></section>
      <div class="cookie-banner">Accept cookies? <button>Yes</button></div>
    </main></body></html>"""
    text = extract(html, HEURISTIC)
    assert "## Cookies" in text and section in text
    assert "Accept cookies?" not in text


def test_consent_manager_markup_is_dropped_even_when_long():
    blurb = "Strictly necessary cookies are needed for the site to work. " * 50
    html = f"""<html><body><main><h1>Terms</h1><p>The terms of the service, in full.</p></main>
      <div id="onetrust-consent-sdk"><h2>Privacy preference centre</h2><p>{blurb}</p></div>
    </body></html>"""
    assert extract(html, HEURISTIC) == "# Terms\n\nThe terms of the service, in full."


def test_a_page_wrapped_in_one_big_form_still_extracts():
    paragraphs = "".join(f"<p>Clause number {i} of these terms applies to every user.</p>"
                         for i in range(60))
    html = f"<html><body><form id='aspnetForm'><div id='body'>{paragraphs}</div></form></body></html>"
    assert extract(html, HEURISTIC).count("\n\n") == 59


def test_select_and_remove():
    html = """<html><body>
      <div id="terms"><h2>Terms</h2><p>Keep this.</p><div class="promo">Try Premium free!</div></div>
      <div id="other"><p>Not the terms.</p></div>
    </body></html>"""
    source = Source(url=URL, select=("#terms",), remove=(".promo",))
    assert extract(html, source) == "## Terms\n\nKeep this."


def test_several_selectors_are_joined_in_page_order_without_repeats():
    html = """<html><body>
      <section class="part" id="one"><p>First part.</p></section>
      <p>Between.</p>
      <section class="part" id="two"><p>Second part.</p><p class="note">A note.</p></section>
    </body></html>"""
    # Listed against page order, and ".note" lies inside "#two".
    source = Source(url=URL, select=(".note", "#two", "#one"))
    assert extract(html, source) == "First part.\n\nSecond part.\n\nA note."


def test_a_selector_that_matches_nothing_names_itself():
    source = Source(url=URL, select=("main", ".terms-body"))
    with pytest.raises(ExtractError, match=re.escape("'.terms-body'")) as caught:
        extract("<html><body><main><p>Terms.</p></main></body></html>", source)
    assert URL in str(caught.value)


def test_an_invalid_selector_is_an_extract_error():
    with pytest.raises(ExtractError, match="invalid CSS selector"):
        extract("<p>Terms.</p>", Source(url=URL, select=("div[",)))


@pytest.mark.parametrize("html", [
    "",
    "<html><head><title>Just a moment...</title></head><body><script>challenge()</script>"
    "<noscript>Enable JavaScript</noscript></body></html>",
    "<html><body><nav><a href='/'>Home</a></nav><footer>© 2024</footer></body></html>",
])
def test_a_page_without_text_is_an_extract_error(html):
    with pytest.raises(ExtractError):
        extract(html, HEURISTIC)


def test_scripts_and_styles_never_reach_the_text_even_inside_the_selection():
    html = """<div id="t"><style>p{color:red}</style><p>Visible.</p>
      <script>track("x")</script><noscript>Enable JS</noscript><template><p>Later</p></template></div>"""
    assert extract(html, Source(url=URL, select=("#t",))) == "Visible."


def test_markdown_shape_of_headings_lists_tables_and_paragraphs():
    html = """<main>
      <h1>Title</h1><h4>Deep heading</h4>
      <p>Para <b>one</b> with a <a href="https://x.example/?utm_campaign=42">link</a>.</p>
      <p>Para two,<br>on two lines.</p>
      <ol start="4"><li>Four</li><li value="9">Nine<ol><li>Inner</li></ol></li><li>Ten</li></ol>
      <ul><li><p>Item, first paragraph.</p><p>Item, second paragraph.</p></li></ul>
      <table><thead><tr><th>Data</th><th></th><th>Kept for</th></tr></thead>
        <tbody><tr><td>E-mail</td><td></td><td><p>2 years</p><p>after closing</p></td></tr></tbody></table>
    </main>"""
    assert extract(html, HEURISTIC) == (
        "# Title\n\n#### Deep heading\n\n"
        "Para one with a link.\n\n"
        "Para two,\non two lines.\n\n"
        "4. Four\n9. Nine\n  1. Inner\n10. Ten\n\n"
        "- Item, first paragraph.\n  Item, second paragraph.\n\n"
        "| Data | | Kept for |\n| E-mail | | 2 years after closing |"
    )


def test_spaces_and_invisible_characters_are_normalised_letters_are_not():
    html = ("<main><p>Vous\u00a0accordez  à\tTunebox\n une licence\u200b « mondiale » "
            "sur l’œuvre\u00ad—\u202fnon exclusive ; Straße, niño, ação, “quoted”.</p></main>")
    assert extract(html, HEURISTIC) == (
        "Vous accordez à Tunebox une licence « mondiale » sur l’œuvre— non exclusive ; "
        "Straße, niño, ação, “quoted”.")


def test_an_xml_declaration_in_a_decoded_page_is_accepted():
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><main><p>Terms apply.</p></main></body></html>'
    assert extract(html, HEURISTIC) == "Terms apply."


def test_a_table_nested_in_a_cell_stays_in_that_cell():
    html = ("<main><table><tr><td>Fees<table><tr><td>Basic</td><td>free</td></tr></table></td>"
            "<td>monthly</td></tr><tr><td>Taxes</td><td>included</td></tr></table></main>")
    assert extract(html, HEURISTIC) == "| Fees Basic free | monthly |\n| Taxes | included |"


class TestImplausible:
    def test_too_short_to_be_terms(self):
        reason = implausible("Access denied", 0, min_chars=200, min_ratio=0.5)
        assert reason is not None and "13 characters" in reason

    def test_collapsed_to_a_fraction_of_the_last_version(self):
        text = "x" * 3000
        reason = implausible(text, 91_000, min_chars=200, min_ratio=0.5)
        assert reason is not None and "3%" in reason and "91000" in reason

    @pytest.mark.parametrize("length, previous", [
        (91_237, 95_697),   # Zoom, 11 Aug 2023: section 10 rewritten, a little shorter
        (94_426, 40_131),   # Zoom, 1 Apr 2023: full rewrite, more than twice as long
        (5_000, 0),         # first version of a document
    ])
    def test_real_rewrites_are_versions(self, length, previous):
        assert implausible("y" * length, previous, min_chars=200, min_ratio=0.5) is None

