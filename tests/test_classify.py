"""The classifier on real clauses: who may train on what, in three languages,
without flagging moderation, recommendations or arbitration opt-outs; the
`tosmon classify` JSON-lines contract; and a quality floor on the labelled set.

Sentences are verbatim from published terms (most from classifiers/data or the
recorded histories); the few written for a contrast say so.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from tosmon.classify import THRESHOLD, Classifier, classify_jsonl
from tosmon.errors import ClassifyError
from tosmon.models import LABELS
from tosmon.patterns import VERSION as PATTERNS_VERSION
from tosmon.segment import segment

ROOT = Path(__file__).resolve().parents[1]
HISTORIES = ROOT / "tosmon" / "data" / "histories"
FLOORS = json.loads((Path(__file__).with_name("classify_floors.json")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def labels_of(classifier: Classifier, text: str, lang: str | None = "en") -> set[str]:
    return set(classifier.predict([text], [lang])[0].labels)


# -- who trains on what -------------------------------------------------------

DIRECTION = [
    # the user grants, or the platform reserves, training
    ("For example, this license includes the right to use Your Content to train AI and machine "
     "learning models, as further described in our Public Content Policy.", {"ai_training_grant"}),
    ("In the absence of a separate agreement that states otherwise, You explicitly agree that your "
     "Content may be used to inform, train, develop or serve as input to artificial intelligence or "
     "machine intelligence technologies or services as part of and for providing the services.",
     {"ai_training_grant"}),
    ("We may use the information we collect and publicly available information to help train our "
     "machine learning or artificial intelligence models for the purposes outlined in this policy.",
     {"ai_training_grant"}),
    ("Develop and improve artificial intelligence technology (also called AI at Meta) on Meta Products "
     "and for third parties.", {"ai_training_grant"}),
    # the platform commits not to, or only with consent
    ("We will not use your content to train generative AI models that aim to replicate or synthesize "
     "your voice, music, or likeness without your explicit consent, which must be affirmatively "
     "provided through an opt-in mechanism.", {"ai_training_restriction"}),
    ("Zoom does not use any of your audio, video, chat, screen sharing, attachments or other "
     "communications-like Customer Content (such as poll results, whiteboard and reactions) to train "
     "Zoom or third-party artificial intelligence models.", {"ai_training_restriction"}),
    ("Your content isn’t used to train AI.", {"ai_training_restriction"}),
    # "any" models, but the platform is the one negated: a promise, no ban on others
    ("Meta will not use your Content to train any artificial intelligence models.",
     {"ai_training_restriction"}),
    # others may not
    ("Not to train any machine learning or AI model using content on our site or otherwise ingest any "
     "data or content from Bandcamp’s platform into a machine learning or AI model;",
     {"scraping_prohibition"}),
    ("More specifically, unless you have obtained express prior written authorization from Dailymotion "
     "and/or the applicable content uploader, You may not access, extract, scrape, or use any Platform "
     "Content to train, develop, or improve artificial intelligence systems, large language models, "
     "machine learning algorithms, or automated decision-making systems.", {"scraping_prohibition"}),
    ("For the avoidance of doubt, neither SoundCloud nor any third party is allowed to use, copy or "
     "reproduce any Content delivered to the Platform under separate agreements, which is owned or "
     "controlled by third party rights holders for the purposes of informing, training developing (or "
     "as input to) artificial intelligence technologies without authorization from the applicable "
     "rightsholders.", {"ai_training_restriction", "scraping_prohibition"}),
]


@pytest.mark.parametrize("text, expected", DIRECTION, ids=[t[:40] for t, _ in DIRECTION])
def test_grant_restriction_and_prohibition_are_told_apart(classifier, text, expected):
    assert labels_of(classifier, text) == expected


def test_same_verb_three_directions(classifier):
    """Written for the contrast: the same words, three meanings."""
    assert labels_of(classifier, "We use your content to train our AI models.") == {"ai_training_grant"}
    assert labels_of(classifier, "We do not use your content to train our AI models.") == {"ai_training_restriction"}
    assert labels_of(classifier, "You may not use the Services to train AI models.") == {"scraping_prohibition"}


def test_consent_processors_and_reservations_decide_the_direction(classifier):
    """Written for the contrast: who is bound, and on what condition."""
    assert labels_of(classifier, "We will only use your recordings to train our speech models with your "
                                 "consent.") == {"ai_training_restriction"}
    assert labels_of(classifier, "We may share your public content with licensed partners for the purpose "
                                 "of training AI models unless you opt out in your settings.") == {
        "ai_training_grant", "ai_opt_out"}
    assert labels_of(classifier, "Our service providers are contractually prohibited from using your "
                                 "content to train AI models.") == {"ai_training_restriction"}
    assert labels_of(classifier, "We expressly reserve our rights to text and data mining under Article "
                                 "4(3) of Directive 2019/790.") == {"scraping_prohibition"}
    assert labels_of(classifier, "We use web crawlers to collect publicly available information to train "
                                 "our models.") == {"ai_training_grant"}


EXCEPTIONS = [
    # the excepted cases happen by default: those are trained on
    ("We do not use Your Data to train our artificial intelligence models except (a) when you (i) use "
     "Mistral AI Products under a free subscription, or are subscribed to Le Chat Pro or Le Chat Student, "
     "and (ii) you have not opted-out of training, (b) when you provide Feedback to us, or (c) when Your "
     "Data is flagged as part of our automated moderation or reported as prohibited content, in which case "
     "we may use Your Data to improve the Mistral AI Products and enforce our Usage Policy.",
     {"ai_training_grant", "ai_training_restriction", "ai_opt_out"}),
    # the excepted cases are the user's own choice: a restriction only
    ("We will not use your Local or Cloud Content to train generative AI models except for Content you "
     "choose to submit to the Adobe Stock marketplace, and this use is governed by the separate Adobe "
     "Stock Contributor Agreement.", {"ai_training_restriction"}),
    ("We do not use the content of your private messages with friends and family to train our AIs unless "
     "you or someone in the chat chooses to share those messages with our AIs.", {"ai_training_restriction"}),
]


@pytest.mark.parametrize("text, expected", EXCEPTIONS, ids=[t[:40] for t, _ in EXCEPTIONS])
def test_exceptions_to_a_promise_not_to_train(classifier, text, expected):
    assert labels_of(classifier, text) == expected


MISTRAL_LICENCE = ("Customer grants Mistral AI a worldwide, non-exclusive, non-transferable (except as permitted in "
                   "Section 14.3 (Assignment)), royalty-free, fully-paid license (with the right to sublicense to our "
                   "service providers) to use Customer Content for the purposes of (a) providing, maintaining, and "
                   "optimizing the Mistral AI Products, which includes debugging, assessing, reviewing, and correcting "
                   "the performance of the Mistral AI Products but excludes model training, and (b) performing our "
                   "obligations under these Terms or the Additional Terms.")


def test_a_licence_that_excludes_training_restricts_and_its_limit_bans_no_one(classifier):
    """Mistral AI's licence, and (written for the contrast) in French and German, with and without
    the exclusion; "non-transferable (except as permitted ...)" limits the licence, it bans no one."""
    assert labels_of(classifier, MISTRAL_LICENCE) == {"ai_training_restriction"}
    assert labels_of(classifier, MISTRAL_LICENCE.replace("but excludes model training", "including model "
                                                         "training")) == {"ai_training_grant"}
    french = ("Vous nous accordez une licence pour utiliser vos données afin de fournir et d'optimiser les produits, "
              "ce qui {} l'entraînement des modèles d'intelligence artificielle.")
    assert labels_of(classifier, french.format("exclut"), "fr") == {"ai_training_restriction"}
    assert labels_of(classifier, french.format("inclut"), "fr") == {"ai_training_grant"}
    german = ("Sie gewähren uns eine Lizenz, Ihre Daten zur Bereitstellung der Produkte zu nutzen, {} unserer "
              "KI-Modelle.")
    assert labels_of(classifier, german.format("ausgenommen das Training"), "de") == {"ai_training_restriction"}
    assert labels_of(classifier, german.format("einschließlich des Trainings"), "de") == {"ai_training_grant"}


DEIDENTIFIED = [
    ("en", "Any Chat User Content used for training our machine learning models is anonymized, such that any "
           "personally identifiable information is removed.", {"ai_training_grant", "ai_training_restriction"}),
    # written for the contrast: anonymized data as one kind among those trained on limits nothing
    ("en", "We may use your content, including anonymized data, to train our machine learning models.",
     {"ai_training_grant"}),
    ("fr", "Nous pouvons utiliser vos contenus sous forme anonymisée pour entraîner nos modèles "
           "d'intelligence artificielle.", {"ai_training_grant", "ai_training_restriction"}),
    ("de", "Wir verwenden Ihre Inhalte nur in anonymisierter Form, um unsere KI-Modelle zu trainieren.",
     {"ai_training_grant", "ai_training_restriction"}),
]


@pytest.mark.parametrize("lang, text, expected", DEIDENTIFIED, ids=[t[:40] for _, t, _ in DEIDENTIFIED])
def test_training_only_on_anonymised_data_is_a_grant_with_a_limit(classifier, lang, text, expected):
    assert labels_of(classifier, text, lang) == expected


def test_what_an_exception_names_decides_whether_it_grants(classifier):
    """Written for the contrast, in three languages."""
    assert labels_of(classifier, "We do not use your content to train our AI models, except content you "
                                 "post publicly.") == {"ai_training_grant", "ai_training_restriction"}
    assert labels_of(classifier, "We do not use your content to train our AI models, unless you opt "
                                 "in.") == {"ai_training_restriction"}
    assert labels_of(classifier, "Nous n'utilisons pas vos contenus pour entraîner nos modèles d'IA, sauf "
                                 "si vous utilisez la version gratuite.", "fr") == {
        "ai_training_grant", "ai_training_restriction"}
    assert labels_of(classifier, "Wir verwenden Ihre Inhalte nicht zum Training unserer KI-Modelle, es "
                                 "sei denn, Sie haben eingewilligt.", "de") == {"ai_training_restriction"}


OPT_OUT = [
    ("Opt out of Training LLMs. You can opt out of having your content on Quora (i.e. your answers, "
     "posts, and comments) used for Large Language Model (LLM) training purposes via your privacy "
     "settings.", {"ai_opt_out"}),
    ("Info shared with AI at Meta features is used to improve AI at Meta unless you have objected.",
     {"ai_training_grant", "ai_opt_out"}),
    ("Objection. You have the right to object to the processing of your personal data. This right does "
     "not apply when we have a legal obligation to process your personal data. We’ve introduced a user "
     "control which allows you to object to the use of your input and output data for model training "
     "directly from your account.", {"ai_opt_out"}),
]


@pytest.mark.parametrize("text, expected", OPT_OUT, ids=[t[:40] for t, _ in OPT_OUT])
def test_a_way_out_of_training_is_an_opt_out(classifier, text, expected):
    assert labels_of(classifier, text) == expected


def test_a_promise_about_any_model_is_not_a_ban_on_others(classifier):
    # written for the contrast: the same words, with the user as the one who may not
    assert labels_of(classifier, "You will not use your Content to train any artificial intelligence "
                                 "models.") == {"scraping_prohibition"}
    assert labels_of(classifier, "We will not use your Content to train any artificial intelligence "
                                 "models.") == {"ai_training_restriction"}


def test_a_way_out_of_the_platforms_training_is_also_a_grant(classifier):
    assert labels_of(classifier, "As described in our Privacy Policy, we may use Inputs and Outputs to "
                                 "improve and develop our Services (but you can opt-out to prevent us from "
                                 "using your Inputs and Outputs to train our models, learn more), comply "
                                 "with applicable law, enforce our terms and policies, and to keep our "
                                 "Services safe.") == {"ai_training_grant", "ai_opt_out"}
    # written for the contrast: a way out that names no one as the trainer
    assert labels_of(classifier, "You can opt out to prevent your Inputs from being used to train "
                                 "models.") == {"ai_opt_out"}


WHO_TRAINS = [
    # a model made better by what users give is a model trained on it
    ("When you share your content with us, it helps our models become more accurate.", {"ai_training_grant"}),
    ("We don’t use your content to create advertising profiles of you—we use it to make our models more "
     "helpful.", {"ai_training_grant"}),
    # written for the contrast: nothing is made better but a team
    ("When you share your feedback with us, it helps our support team become more responsive.", set()),
    # the platform's own promise, whatever the sentence bans others from after it
    ("This license does not permit us to use your content to train third-party AI models, and any "
     "third-party tools used for analysis are prohibited by contract from retaining your content.",
     {"ai_training_restriction"}),
    ("You may not use our content to train third-party AI models.", {"scraping_prohibition"}),
    # a condition users must meet is a ban on them; a condition on a way out is not
    ("(h) you do not use any automated tools to aggregate content, and (i) you do not use any of Our "
     "Content to train or develop any AI or machine learning models.", {"scraping_prohibition"}),
    ("If you do not opt out, we use your posts to train our AI models.", {"ai_training_grant", "ai_opt_out"}),
    # a choice over training of "our models" is a way out of the platform's training
    ("You are in control of whether your user content is used for training and improvement of our models.",
     {"ai_opt_out", "ai_training_grant"}),
]


@pytest.mark.parametrize("text, expected", WHO_TRAINS, ids=[t[:40] for t, _ in WHO_TRAINS])
def test_who_trains_and_whether_they_may(classifier, text, expected):
    assert labels_of(classifier, text) == expected


def test_a_choice_over_training_that_names_no_trainer_is_no_grant_by_the_rules():
    # The contrast of the last case, for the pattern layer: the textcat of the
    # eighth build adds a grant here (a known wrong label of the combination).
    from tosmon.patterns import PatternScorer

    scorer = Classifier(PatternScorer())
    assert labels_of(scorer, "You are in control of whether your user content is used for AI "
                             "training.") == {"ai_opt_out"}


# -- what must not alert ------------------------------------------------------

HARD_NEGATIVES = [
    "We enforce these Community Guidelines using a combination of human reviewers and machine learning, "
    "and apply them to everyone equally—regardless of the subject or the creator’s background, political "
    "viewpoint, position, or affiliation.",
    "With hundreds of hours of new content uploaded to YouTube every minute, we use a combination of "
    "people and machine learning to detect problematic content at scale.",
    "Dailymotion uses AI-based tools (Artificial Intelligence) as part of the automated detection devices. "
    "These tools help to improve the efficiency of the detection process (ex. by detecting "
    "Dailymotion-defined keywords and short phrases despite spelling mistakes, abbreviations or multitude "
    "of languages).",
    "Machine-learning signals and user-reporting mechanisms to detect potential violations of our Platform Rules",
    "8. artificially increasing play counts or follow counts, artificially promoting Content, or other "
    "manipulation including by (i) using any bot, script or other automated process, (ii) providing or "
    "accepting any form of compensation (financial or otherwise), or (iii) any other means;",
    "In an effort to help you navigate and discover content on our Platform, we provide auto-generated "
    "personalized recommendations for registered users.",
    "Please note that Bandcamp operates a basic “recommender system” on the Site. This means that Bandcamp "
    "generates an automatic “Discover” feed of content for Fan accounts only. This automatic feed does not "
    "involve any machine learning and it does not derive any recommendations from a Fan’s general browsing "
    "activity on the Site.",
    "The standard contractual clauses for personal data transfer approved by the Saudi Data and Artificial "
    "Intelligence Authority",
    "Mistral AI may use Usage Data for its business purposes, including to conduct research, improve the "
    "Mistral AI Products, or enhance product performance, functionality, and user experience.",
    "To initiate an arbitration, you must submit a Demand for Arbitration to the AAA and mail a copy to us "
    "at: MediaLab.Ai Inc. c/o Imgur, Legal Department, 1222 6th Street, Santa Monica, CA 90401.",
    "\"Dataset\" refers to a structured collection of data samples used to train machine learning Models.",
    "Acts involving high risk activities such as skyscraper parkour or depicting serious injury like skate "
    "slam aftermath.",
    "Tobacco products include vaping products, smokeless and combustible tobacco products, synthetic "
    "nicotine products, E-cigarettes, and other Electronic Nicotine Delivery Systems.",
    "Intelligent Features: Zoom provides intelligent features and products to its customers, their licensed "
    "end users and guests, such as Zoom AI or other tools to recommend chat, email or other content. These "
    "tools may use artificial intelligence, machine learning, or other technology to process Customer "
    "Content solely to provide the intelligent features.",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES, ids=[t[:40] for t in HARD_NEGATIVES])
def test_moderation_recommendation_and_lookalikes_are_not_flagged(classifier, text):
    assert labels_of(classifier, text) == set()


def test_ai_detection_of_spam_is_no_rule_on_ai_content(classifier):
    # written for the contrast with the AI-detection label above
    assert labels_of(classifier, "We use AI detection tools to find spam.") == set()


def test_training_people_and_ai_tools_are_not_training_models(classifier):
    """Written for the contrast: "training" and "AI" near each other, no model trained."""
    assert labels_of(classifier, "We use AI to help detect violations of our Community Guidelines, and we "
                                 "train our reviewers regularly.") == set()
    assert labels_of(classifier, "Employees receive training in machine learning ethics.") == set()
    assert labels_of(classifier, "You can turn off AI features in Settings.") == set()


@pytest.mark.parametrize("lang, text", [
    ("en", "We use automated systems to access and review uploads to find prohibited content."),
    ("de", "Wir verwenden automatisierte Systeme, um auf Uploads zuzugreifen und verbotene Inhalte zu finden."),
])
def test_a_name_for_banned_content_bans_no_automated_access(classifier, lang, text):
    """Written for the contrast: "prohibited content" names what is banned, not who;
    the same automated access banned is still a scraping prohibition."""
    assert labels_of(classifier, text, lang) == set()
    assert labels_of(classifier, "You may not use automated systems to access the Service or to post "
                                 "prohibited content.") == {"scraping_prohibition"}


OTHER_WAYS = [
    ("en", "Do not access, search, or create accounts for our services by any means other than our publicly "
           "supported interfaces.", {"scraping_prohibition"}),
    ("en", "(h) Engage in any automated use of the Services, such as using scripts to alter our content;",
     {"scraping_prohibition"}),
    ("en", "Unauthorized automation & third party apps are not allowed", {"scraping_prohibition"}),
    # written for the contrast, and in French and German
    ("en", "We make the Services available by any means other than the website, including our apps.", set()),
    ("fr", "Vous ne pouvez pas accéder aux Services par tout moyen, automatisé ou non, autre que les "
           "interfaces que nous publions.", {"scraping_prohibition"}),
    ("fr", "Nous mettons les Services à disposition par tout moyen autre que le site, notamment nos "
           "applications.", set()),
    ("de", "Sie dürfen auf die Dienste nicht auf anderem Weg als über unsere veröffentlichten Schnittstellen "
           "zugreifen.", {"scraping_prohibition"}),
]


@pytest.mark.parametrize("lang, text, expected", OTHER_WAYS, ids=[t[:40] for _, t, _ in OTHER_WAYS])
def test_access_by_a_way_the_platform_does_not_offer_is_scraping(classifier, lang, text, expected):
    assert labels_of(classifier, text, lang) == expected


def test_arbitration_opt_out_is_not_an_ai_opt_out(classifier):
    text = next(c.text for c in segment(
        (HISTORIES / "zoom__terms_of_service" / "2023-04-01.md").read_text(encoding="utf-8"), "en")
        if "opt out" in c.text.lower() and "arbitration" in c.text.lower())
    assert labels_of(classifier, text) == set()


# -- AI-generated content -----------------------------------------------------

GENERATED = [
    ("Representing that the use of the Services outputs are human generated", {"ai_generated_content"}),
    # "deep synthesis": the term of China's rules on AI-made media
    ("By deleting, altering, or concealing the deep synthesis service mark generated by Kimi in any way.",
     {"ai_generated_content"}),
    ("Where such tools generate a classification result that affects how your content is displayed to "
     "Readers (for example, an AI-detection label), we will provide you an opportunity to dispute the "
     "result.", {"ai_generated_content"}),
    ("To mislead any third party that any output from Grammarly’s generative AI was solely human generated;",
     {"ai_generated_content"}),
    ("Remove, alter, obscure, or otherwise tamper with any watermark, label, metadata, or other provenance "
     "signal applied to or associated with outputs of the Services", {"ai_generated_content"}),
    ("The neighboring rights of producers of phonograms to the sound sources used in the Generated Music "
     "belong to the Company.", {"ai_generated_content"}),
    ("Do not intentionally mislead recipients of generated images about their nature or source.",
     {"ai_generated_content"}),
    ("Do not mislead buyers about the source of the products you sell.", set()),
    # written for the contrast: warnings about outputs are no rule about them circulating
    ("Outputs of the Services may be inaccurate and you should check them.", set()),
    ("You are responsible for your use of the outputs of the Services.", set()),
]


@pytest.mark.parametrize("text, expected", GENERATED, ids=[t[:40] for t, _ in GENERATED])
def test_rules_on_outputs_passing_as_human_work_or_owned(classifier, text, expected):
    assert labels_of(classifier, text) == expected


# -- licences -----------------------------------------------------------------

LICENCES = [
    ("When Your Content is created with or submitted to the Services, you grant us a worldwide, "
     "royalty-free, perpetual, irrevocable, non-exclusive, transferable, and sublicensable license to use, "
     "copy, modify, adapt, prepare derivative works of, distribute, store, perform, and display Your "
     "Content and any name, username, voice, or likeness provided in connection with Your Content in all "
     "media formats and channels now known or later developed anywhere in the world.", {"broad_license"}),
    # a licence that names AI training purposes is a grant, not "a licence that does not name AI"
    ("(ii) for the purpose of product and service development, marketing, analytics, quality assurance, "
     "machine learning, artificial intelligence, training, testing, improvement of the Services, Software, "
     "or Zoom’s other products, services, and software, or any combination thereof; and (iii) for any "
     "other purpose relating to any use or other act permitted in accordance with Section 10.3.",
     {"ai_training_grant"}),
    ("You also grant each other user of the Service a worldwide, non-exclusive, royalty-free license to "
     "access your Content through the Service, and to use that Content, including to reproduce, "
     "distribute, prepare derivative works, display, and perform it, only as enabled by a feature of the "
     "Service (such as video playback or embeds).", set()),
    ("To the extent it is necessary in order for SoundCloud to provide you with any of the aforementioned "
     "hosting services, to make Content available pursuant to Platform features and user-directed "
     "activities, to undertake any of the tasks set forth in these Terms of Use, including the distribution "
     "of advertising or other promotional material on our Platform and/or to enable your use of the "
     "Platform and its features, you hereby grant such licenses to SoundCloud on a limited, worldwide, "
     "non-exclusive, royalty-free and fully paid basis.", set()),
    ("If you have any Proprietary Rights in or to Service Generated Data or Aggregated Anonymous Data, you "
     "hereby grant Zoom a perpetual, irrevocable, worldwide, non-exclusive, royalty-free, sublicensable, "
     "and transferable license and all other rights required or necessary to enable Zoom to exercise its "
     "rights pertaining to Service Generated Data and Aggregated Anonymous Data, as the case may be, in "
     "accordance with this Agreement.", set()),
    ("Subject to your compliance with these Terms and our policies, we hereby grant you a limited, "
     "non-exclusive, non-transferable, non-sublicensable and revocable licence to access and use the "
     "Service as contemplated under these Terms and our policies.", set()),
]


@pytest.mark.parametrize("text, expected", LICENCES, ids=[t[:40] for t, _ in LICENCES])
def test_broad_licence_to_the_platform_only(classifier, text, expected):
    assert labels_of(classifier, text) == expected


# -- French and German ---------------------------------------------------------

OTHER_LANGUAGES = [
    ("fr", "Par exemple, cette licence inclut le droit d’utiliser Votre contenu pour entraîner des modèles "
           "d’IA et de machine learning, comme décrit plus en détail dans notre Politique de contenu public.",
     {"ai_training_grant"}),
    ("fr", "L'Utilisateur est informé et accepte que, dans le but d'améliorer la performance, l'exactitude et "
           "la pertinence des Services, les données qu'il génère ou soumet peuvent être utilisées pour "
           "l'entraînement, la validation et l'amélioration des modèles d’apprentissage automatique interne "
           "de Malt (« machine learning »).", {"ai_training_grant"}),
    ("fr", "(ix) vous livrer aux activités mentionnées précédemment en lien avec l'utilisation, la création, "
           "le développement, la modification, l'instruction, l'affinage, l'entraînement, le test, le "
           "benchmarking ou la validation de tout outil, modèle, système, algorithme, produit ou autre "
           "technologie de machine learning.", {"scraping_prohibition"}),
    ("fr", "explorer des données (data mining), gratter (screen scraping) ou utiliser des robots "
           "d’indexation (crawling) sur une quelconque partie du Site ;", {"scraping_prohibition"}),
    ("fr", "Lorsque votre Contenu est créé avec les Services ou soumis aux Services, vous nous accordez une "
           "licence mondiale, gratuite, perpétuelle, irrévocable, non exclusive, transférable et pouvant "
           "faire l’objet d’une sous-licence pour utiliser, copier, modifier, adapter, préparer des œuvres "
           "dérivées, distribuer, stocker, exécuter et afficher Votre contenu.", {"broad_license"}),
    ("fr", "Également, nous sommes susceptibles d’utiliser des systèmes d’intelligence artificielle afin de "
           "garantir la sûreté et la sécurité de la Marketplace (par exemple : détection des robots, lutte "
           "contre la fraude et les spams).", set()),
    ("fr", "Nous travaillons avec nos Sociétés affiliées et utilisons une combinaison de technologies (y "
           "compris par des moyens automatisés), de modération humaine et de signalements de nos "
           "utilisateurs pour identifier les violations de nos Conditions.", set()),
    # written for the contrast, in the usual wording of such commitments
    ("fr", "Nous n’utilisons pas vos contenus pour entraîner nos modèles d’IA.", {"ai_training_restriction"}),
    ("fr", "Les contenus générés par l’IA doivent être signalés comme tels.", {"ai_generated_content"}),
    ("de", "Sie dürfen die Dienste nicht für die Entwicklung von Modellen für maschinelles Lernen oder damit "
           "verbundenen Technologien nutzen.", {"scraping_prohibition"}),
    ("de", "Wenn Sie nicht möchten, dass wir Ihre Inhalte zum Trainieren unserer Modelle verwenden, haben Sie "
           "die Möglichkeit, dies zu verhindern, indem Sie Ihre Kontoeinstellungen aktualisieren.",
     {"ai_training_grant", "ai_opt_out"}),
    ("de", "Du überträgst uns an den von Dir zur Verfügung gestellten Inhalten, das übertragbare, "
           "unbefristete, unwiderrufliche, zeitlich, räumlich und sachlich unbeschränkte Recht, diese zu "
           "nutzen, zu verwerten, zu speichern, zu bearbeiten, zu verbreiten und zu vervielfältigen.",
     {"broad_license"}),
    ("de", "Vor Veröffentlichung ist jede Ausgabe durch die/den Kund:in manuell zu prüfen "
           "(„Human-in-the-loop“); eine fachliche Beratung wird nicht ersetzt.", {"ai_generated_content"}),
    ("de", "Die Spotify-Dienste beinhalten soziale und interaktive Funktionen. Die Nutzung der Spotify-Dienste "
           "hängt von verschiedenen technischen Voraussetzungen ab.", set()),
    # written for the contrast
    ("de", "Wir verwenden Ihre Inhalte nicht zum Training von KI-Modellen.", {"ai_training_restriction"}),
    ("de", "Wir verwenden Ihre Inhalte, um unsere KI-Modelle zu trainieren und zu verbessern.",
     {"ai_training_grant"}),
    ("de", "Wir behalten uns die Nutzung unserer Inhalte für Text- und Data-Mining ausdrücklich vor.",
     {"scraping_prohibition"}),
    ("de", "Sie gewähren uns eine weltweite, nicht-exklusive, gebührenfreie Lizenz zur Nutzung Ihrer Inhalte.",
     {"broad_license"}),
]


@pytest.mark.parametrize("lang, text, expected", OTHER_LANGUAGES,
                         ids=[f"{l}-{t[:36]}" for l, t, _ in OTHER_LANGUAGES])
def test_french_and_german(classifier, lang, text, expected):
    assert labels_of(classifier, text, lang) == expected


def test_language_is_detected_when_not_given(classifier):
    [p] = classifier.predict(["Nous n’utilisons pas vos contenus pour entraîner nos modèles d’IA, ni "
                              "pour les améliorer, et nous ne les vendons pas à des tiers."])
    assert p.labels == ("ai_training_restriction",)


def test_region_codes_and_unknown_languages(classifier):
    text = "Your content isn’t used to train AI."
    assert labels_of(classifier, text, "EN-gb") == {"ai_training_restriction"}
    assert labels_of(classifier, text, "pt") == {"ai_training_restriction"}  # English cues as fallback


def test_every_language_table_defines_every_kind_and_group():
    from tosmon.patterns import GROUPS, LANGUAGES, PatternScorer
    from tosmon.patterns.rules import KINDS

    grouped = {k for triggers, kinds in GROUPS.values() for k in kinds}
    assert grouped | {"DEFINITION", "REVISION_NOTE"} == set(KINDS)
    scorer = PatternScorer()
    for lang in LANGUAGES:
        scorer.pipeline(lang)  # raises when a table misses a kind or a pattern is malformed


# -- what a prediction carries --------------------------------------------------

def test_prediction_has_ordered_labels_all_scores_and_verbatim_evidence(classifier):
    text = ("In addition, we may, from time to time, disclose some of Your Data to selected Data Partners for "
            "their use to train general purpose Artificial Intelligence. If we do so, and when required by "
            "the applicable laws, we will provide You with a possibility to oppose to such disclosure of Your "
            "Personal Data.")
    [p] = classifier.predict([text], ["en"])
    assert p.labels == ("ai_training_grant", "ai_opt_out")
    assert set(p.scores) == set(LABELS)
    assert all(0.0 <= s <= 1.0 for s in p.scores.values())
    assert all((p.scores[label] >= THRESHOLD) == (label in p.labels) for label in LABELS)
    assert set(p.evidence) == set(p.labels)
    for words in p.evidence.values():
        assert words and words in text
    assert "train" in p.evidence["ai_training_grant"] and "Artificial Intelligence" in p.evidence["ai_training_grant"]
    assert "oppose" in p.evidence["ai_opt_out"]
    assert p.model == classifier.version and classifier.version.endswith(PATTERNS_VERSION)


def test_predict_keeps_order_across_languages(classifier):
    texts = ["Your content isn’t used to train AI.",
             "Nous n’utilisons pas vos contenus pour entraîner nos modèles d’IA.",
             "The payment of all required fees must be made using a valid credit card on account with us.",
             "KI-generierte Inhalte müssen gekennzeichnet werden."]
    got = [p.labels for p in classifier.predict(texts, ["en", "fr", "en", "de"])]
    assert got == [("ai_training_restriction",), ("ai_training_restriction",), (), ("ai_generated_content",)]


def test_predict_refuses_inputs_that_do_not_line_up(classifier):
    with pytest.raises(ClassifyError, match="2 texts but 1 languages"):
        classifier.predict(["a", "b"], ["en"])
    with pytest.raises(ClassifyError, match="not a string"):
        classifier.predict([None])  # type: ignore[list-item]


# -- the recorded histories ------------------------------------------------------

def _history_expectations():
    """(history, file, clause text, labels) for every clause steps.json names."""
    cases = []
    for folder in sorted(p for p in HISTORIES.iterdir() if (p / "steps.json").exists()):
        steps = json.loads((folder / "steps.json").read_text(encoding="utf-8"))
        for previous, step in zip(steps, steps[1:]):
            for want in step["expect"]:
                cases.append((folder.name, step["serve"], previous["serve"], want["label"], want["text"]))
    return cases


def test_every_clause_a_history_step_owes_carries_exactly_its_labels(classifier):
    wanted: dict[str, set[str]] = {}
    clauses: dict[tuple[str, str], list[str]] = {}
    for folder, served, previous, label, piece in _history_expectations():
        for name in (served, previous):
            if (folder, name) not in clauses:
                text = (HISTORIES / folder / name).read_text(encoding="utf-8")
                clauses[folder, name] = [c.text for c in segment(text, "en")]
        found = [t for name in (served, previous) for t in clauses[folder, name] if piece in t]
        assert found, f"{folder} {served}: no clause holds {piece!r}"
        wanted.setdefault(found[0], set()).add(label)
    texts = sorted(wanted)
    got = {t: set(p.labels) for t, p in zip(texts, classifier.predict(texts, ["en"] * len(texts)))}
    assert {t[:80]: got[t] for t in texts} == {t[:80]: wanted[t] for t in texts}


def test_baseline_ai_clauses_of_the_histories_are_flagged_as_their_notes_say(classifier):
    spotify = (HISTORIES / "spotify__user_guidelines" / "2025-10-03.md").read_text(encoding="utf-8")
    play_counts = next(c.text for c in segment(spotify, "en") if "artificially increasing" in c.text)
    assert labels_of(classifier, play_counts) == set()
    reddit = (HISTORIES / "reddit__user_agreement" / "2024-01-24.md").read_text(encoding="utf-8")
    crawl = next(c.text for c in segment(reddit, "en") if "conditionally grant permission to crawl" in c.text)
    assert labels_of(classifier, crawl) == {"scraping_prohibition"}


# -- the JSON-lines contract ---------------------------------------------------

def _run(lines: list[str], **kwargs) -> tuple[int, list[dict]]:
    out = io.StringIO()
    count = classify_jsonl(lines, out, **kwargs)
    return count, [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_one_line_per_input_in_order_with_ids(classifier):
    lines = [json.dumps({"id": 7, "text": "Your content isn’t used to train AI."}),
             "",
             json.dumps({"id": "fr-1", "text": "Nous n’utilisons pas vos contenus pour entraîner nos modèles "
                                                "d’IA.", "lang": "fr"}),
             json.dumps({"id": None, "text": "Do not upload cover songs unless you have obtained all "
                                              "permissions and authorizations in writing!", "lang": None}),
             json.dumps({"id": [1, 2], "text": "KI-generierte Inhalte müssen gekennzeichnet werden.",
                         "lang": "de"})]
    count, rows = _run(lines, classifier=classifier, batch=2)
    assert count == 4
    assert [r["id"] for r in rows] == [7, "fr-1", None, [1, 2]]
    assert [r["labels"] for r in rows] == [["ai_training_restriction"], ["ai_training_restriction"], [],
                                           ["ai_generated_content"]]
    for row in rows:
        assert set(row) == {"id", "labels", "scores", "evidence"}
        assert set(row["scores"]) == set(LABELS)
        assert set(row["evidence"]) == set(row["labels"])
    assert rows[0]["evidence"]["ai_training_restriction"] in "Your content isn’t used to train AI."


@pytest.mark.parametrize("lines, problem", [
    (['{"id": 1, "text": "fine"}', "not json at all"], "line 2: not JSON"),
    (['{"id": 1, "text": "fine"}', "", '{"id": 2}'], 'line 3: no "text"'),
    (['{"id": 1, "text": 42}'], 'line 1: "text" is not a string'),
    (['{"text": "no id"}'], 'line 1: no "id"'),
    (['["id", "text"]'], "line 1: expected a JSON object"),
    (['{"id": 1, "text": "x", "lang": 3}'], 'line 1: "lang" is not a string'),
])
def test_jsonl_bad_line_names_its_number_and_fault(classifier, lines, problem):
    with pytest.raises(ClassifyError) as error:
        _run(lines, classifier=classifier)
    assert str(error.value).startswith(problem)
    assert error.value.line == int(problem.split()[1].rstrip(":"))


def test_cli_classify_reads_and_writes_json_lines(tmp_path):
    import subprocess

    source = tmp_path / "clauses.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "You may not use the Services to train AI models."}) + "\n"
                      + json.dumps({"id": "b", "text": "We will not sell your personal information."}) + "\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tosmon.cli", "classify", str(source)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["id"], r["labels"]) for r in rows] == [("a", ["scraping_prohibition"]), ("b", [])]
    source.write_text('{"id": "a", "text": "fine"}\n{"id": "b"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "tosmon.cli", "classify", str(source)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode != 0 and "line 2" in done.stderr


# -- quality floor ------------------------------------------------------------

def test_quality_on_the_labelled_clauses_stays_above_its_floor(classifier):
    from tosmon.evaluate import evaluate, read_labelled

    m = evaluate(read_labelled(ROOT / FLOORS["data"]), classifier)["classifier"]
    floors = FLOORS["floors"]
    assert m["macro_f1"] >= floors["macro_f1"], m["labels"]
    assert m["micro_f1"] >= floors["micro_f1"], m["labels"]
    assert m["labels"]["ai_training_grant"]["recall"] >= floors["ai_training_grant_recall"], m["labels"]
