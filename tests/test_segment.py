"""SEGMENT: clauses as a user sees them in a diff or an alert."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from tosmon.extract import extract
from tosmon.models import Clause, Source
from tosmon.segment import segment

HISTORIES = Path(__file__).parent.parent / "tosmon" / "data" / "histories"
ZOOM = HISTORIES / "zoom__terms_of_service"

ZOOM_RESTRICTION = ("Notwithstanding the above, Zoom will not use audio, video or chat Customer "
                    "Content to train our artificial intelligence models without your consent.")
ZOOM_CONSENT = (
    "You consent to Zoom’s access, use, collection, creation, modification, distribution, "
    "processing, sharing, maintenance, and storage of Service Generated Data for any purpose, to "
    "the extent and in the manner permitted under applicable Law, including for the purpose of "
    "product and service development, marketing, analytics, quality assurance, machine learning "
    "or artificial intelligence (including for the purposes of training and tuning of algorithms "
    "and models), training, testing, improvement of the Services, Software, or Zoom’s other "
    "products, services, and software, or any combination thereof, and as otherwise provided in "
    "this Agreement.")
ZOOM_LICENCE_ITEMS = (
    "(ii) for the purpose of product and service development, marketing, analytics, quality "
    "assurance, machine learning, artificial intelligence, training, testing, improvement of the "
    "Services, Software, or Zoom’s other products, services, and software, or any combination "
    "thereof; and (iii) for any other purpose relating to any use or other act permitted in "
    "accordance with Section 10.3.")


def texts(text: str, lang: str = "en") -> list[str]:
    return [c.text for c in segment(text, lang)]


def served(history_file: Path) -> str:
    """A history's Markdown as a site would serve it, through our own extraction."""
    body = markdown.markdown(history_file.read_text(encoding="utf-8"), extensions=["tables"])
    page = f"<html><body><nav><a href='/'>Home</a></nav><main>{body}</main></body></html>"
    return extract(page, Source(url="https://example.com/terms"))


@pytest.fixture(scope="module")
def zoom():
    return {name: segment(served(ZOOM / f"{name}.md"))
            for name in ("2023-04-01", "2023-07-28", "2023-08-07")}


def test_headings_name_the_clauses_under_them_and_are_not_clauses():
    text = ("Preamble sentence for everyone.\n\n# Terms of Use\n\n## Your content\n\n"
            "You own your uploads.\n\n### Licence\n\nYou grant us a licence.\n\n"
            "## Termination\n\nWe may close accounts.\n\n# Annex\n\nSee the annex text.")
    assert segment(text) == (
        Clause(0, "", "Preamble sentence for everyone."),
        Clause(1, "Terms of Use > Your content", "You own your uploads."),
        Clause(2, "Terms of Use > Your content > Licence", "You grant us a licence."),
        Clause(3, "Terms of Use > Termination", "We may close accounts."),
        Clause(4, "Annex", "See the annex text."),
    )


def test_each_sentence_is_a_clause_so_an_appended_sentence_shows_alone():
    before = "We host your music. We stream it to your listeners."
    after = before + " We may use your music to train our AI models."
    assert texts(before) == ["We host your music.", "We stream it to your listeners."]
    assert texts(after) == texts(before) + ["We may use your music to train our AI models."]


def test_list_items_are_clauses_without_their_markers():
    text = ("You must not:\n\n- scrape the service by automated means;\n"
            "  - including for AI training;\n"
            "- resell access.\n\n3. Arbitration applies to all disputes.\n10) Small claims stay open.")
    assert texts(text) == [
        "You must not:", "scrape the service by automated means;", "including for AI training;",
        "resell access.", "Arbitration applies to all disputes.", "Small claims stay open."]


def test_table_rows_are_clauses():
    text = "| Data | Kept for |\n| E-mail | 2 years after you close your account |"
    assert texts(text) == ["Data | Kept for", "E-mail | 2 years after you close your account"]


@pytest.mark.parametrize("lang, sentence", [
    ("en", "You may share content, e.g. photos and videos, with your followers."),
    ("en", "We may process data, i.e. store it, for the purposes below."),
    ("en", "We may use photos, videos, etc. for promotional purposes in our app."),
    ("en", "The service is run by Tunebox Ltd. and its subsidiaries in Europe."),
    ("en", "The service is run by Tunebox, Inc. under the laws of Delaware."),
    ("en", "The service is run by Tunebox Pte. Ltd. of Singapore for every user in Asia."),
    ("en", "See Sec. 4 and No. 12 of the schedule for the applicable fees."),
    ("en", "Disputes are governed by U.S. federal law and the laws of New York."),
    ("en", "Such uses are reserved (cf. Art. 4 of Directive 2019/790) by the rightholders."),
    ("en", "Notices go to (i) the owner and (ii) the uploader of the content."),
    ("en", "You agree (see Section 3. Licence) that we may host your content."),
    ("en", "The term “Your User Content. Any data you upload” is used in a broad sense here."),
    ("fr", "Conformément à l’art. 4 de la directive, nous nous opposons à la fouille de textes."),
    ("fr", "Des contenus, p. ex. vos morceaux, peuvent être signalés par les utilisateurs."),
    ("de", "Inhalte, z. B. Musik oder Bilder, bzw. deren Metadaten werden gespeichert."),
])
@pytest.mark.parametrize("generic", [False, True], ids=["own-language", "multi-language"])
def test_abbreviations_markers_and_brackets_do_not_cut_a_sentence(lang, sentence, generic):
    assert texts(sentence, "xx" if generic else lang) == [sentence]


def test_an_abbreviation_that_ends_a_sentence_still_ends_it():
    assert texts("We host photos, videos, etc. Our team answers within a week.") == [
        "We host photos, videos, etc.", "Our team answers within a week."]


def test_fragments_join_their_neighbour():
    text = "10.4 Licence Grant. You grant us a licence to host your content. See Section 9."
    assert texts(text) == [
        "10.4 Licence Grant. You grant us a licence to host your content. See Section 9."]


@pytest.mark.parametrize("text", [
    "Your content stays yours. (Note: we may change this notice when the law requires it.)",
    '5.1 Content Definition. "Content" means all text, images and sound you upload to the service.',
])
def test_joining_pieces_adds_no_space_inside_brackets_or_quotes(text):
    assert " ".join(texts(text)) == text


@pytest.mark.parametrize("text", [
    "Contact us at [our form](https://example.com/requests/new?ticket_form_id=42). We answer in a week.",
    "These are the **Terms**. **You and we** agree to them as written here.",
])
def test_a_join_restores_what_stood_between_the_pieces(text):
    assert "".join(texts(text)).replace(" ", "") == text.replace(" ", "")
    assert all(clause in text for clause in texts(text))


DOUBAO = ("豆包是由字节跳动开发的人工智能助手。您可以访问doubao.com使用本服务。"
          "我们可能会使用您的输入内容来训练和改进模型。如果您不同意，请停止使用。")


def test_chinese_sentences_are_clauses_of_their_own():
    assert texts(DOUBAO, "zh") == [
        "豆包是由字节跳动开发的人工智能助手。", "您可以访问doubao.com使用本服务。",
        "我们可能会使用您的输入内容来训练和改进模型。", "如果您不同意，请停止使用。"]


def test_japanese_sentences_are_clauses_and_a_short_one_still_joins():
    text = "当社はお客様のコンテンツを学習に使用しません。詳細は下記。設定からいつでも変更できます。"
    assert texts(text, "ja") == ["当社はお客様のコンテンツを学習に使用しません。詳細は下記。",
                                 "設定からいつでも変更できます。"]


def test_a_numbered_paragraph_keeps_its_number_out_of_the_clause():
    assert texts("1. DEFINITIONS. The following definitions apply in this Agreement.") == [
        "DEFINITIONS. The following definitions apply in this Agreement."]


def test_positions_run_from_zero_and_whitespace_is_collapsed():
    clauses = segment("# T\n\nOne   sentence\u00a0here now.  Another sentence here now.\n\n"
                      "- An item here now")
    assert [c.position for c in clauses] == [0, 1, 2]
    assert clauses[0].text == "One sentence here now."


def test_lines_broken_mid_sentence_are_one_clause():
    assert texts("We may share data with\nour processors in the EU.\nThey act on our behalf.") == [
        "We may share data with our processors in the EU.", "They act on our behalf."]


@pytest.mark.parametrize("lang", ["fr", "de", "es", "it", "pt", "nl", "pt-BR", "ja", "qq", ""])
def test_any_language_code_segments(lang):
    assert len(texts("Première phrase du contrat. Deuxième phrase du contrat.", lang)) == 2


def test_empty_text_has_no_clauses():
    assert segment("") == ()
    assert segment("# Only a heading\n\n") == ()


# -- real terms, through an HTML round trip ---------------------------------------------------

def test_zoom_restriction_of_7_august_2023_is_one_clause_of_its_own(zoom):
    assert ZOOM_RESTRICTION in [c.text for c in zoom["2023-08-07"]]


def test_zoom_consent_grant_is_one_whole_clause(zoom):
    assert ZOOM_CONSENT in [c.text for c in zoom["2023-04-01"]]


def test_zoom_licence_enumeration_is_split_at_its_items(zoom):
    clauses = [c.text for c in zoom["2023-04-01"]]
    at = clauses.index(ZOOM_LICENCE_ITEMS)
    lead = clauses[at - 1]
    assert lead.startswith("10.4 Customer License Grant. You agree to grant and hereby grant Zoom")
    assert lead.endswith("(i) as may be necessary for Zoom to provide the Services to you, "
                         "including to support the Services;")


def test_zoom_7_august_change_adds_only_its_new_sentences(zoom):
    before = {c.text for c in zoom["2023-07-28"]}
    after = {c.text for c in zoom["2023-08-07"]}
    assert after - before == {"Effective Date: August 7, 2023", ZOOM_RESTRICTION}
    assert before - after == {"Effective Date: July 27, 2023"}


@pytest.mark.parametrize("history, version, words", [
    ("reddit__user_agreement", "2024-08-16",
     "the right to use Your Content to train AI and machine learning models"),
    ("spotify__user_guidelines", "2023-05-08",
     "using any part of the Services or Content to train a machine learning or AI model"),
    ("bandcamp__acceptable_use_policy", "2026-01-14",
     "be wholly or in substantial part created, composed, or generated by artificial intelligence"),
    ("soundcloud__terms_of_use", "2025-09-10",
     "You further grant to SoundCloud a limited, worldwide, non-exclusive, royalty-free, fully "
     "paid up license"),
])
def test_flagged_words_of_real_histories_stay_inside_one_clause(history, version, words):
    clauses = segment(served(HISTORIES / history / f"{version}.md"))
    assert any(words in c.text for c in clauses)


@pytest.mark.parametrize("lang", ["en", "fr", "de", "zh", "ja"])
def test_sentence_starts_are_the_sentencizers_own(lang):
    # The segmenter reads spaCy's sentencizer rule from token arrays instead of
    # running it token object by token object; it must cut where spaCy cuts.
    from tosmon.segment import _ending_words, _pipeline, _sentence_starts, _units

    nlp = _pipeline(lang)
    sentencizer = nlp.get_pipe("sentencizer")
    bodies = [body for path in sorted(HISTORIES.glob("*/*.md"))
              for _, body in _units(path.read_text(encoding="utf-8"))]
    bodies += ["“Quoted.” (Aside.) Next one!! And?! Then… more", "。。开头。中文句子。第二句！结束",
               "日本語の文です。次の文です。", "... . ! Leading", "!!!", "Ende. „Zitat.“ Weiter"]
    differing = [body[:60] for body in bodies
                 if _sentence_starts(nlp.make_doc(body), _ending_words(lang))
                 != [s.start_char for s in sentencizer(nlp.make_doc(body)).sents]]
    assert len(bodies) > 1000 and differing == []
