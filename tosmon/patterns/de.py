"""German cues, same kinds as `en.py` (see the table in `rules.py`).

German writes compounds as one token ("KI-Modelle", "Trainingsdaten",
"Nutzungsrechte"), so many patterns here are regexes over a single token.
"""

_AI_TOKEN = "=~(KI|AI)(-.*)?|LLMs?|GenAI"
_DEIDENT = "~(?:anonymisiert|pseudonymisiert|aggregiert|de-?identifiziert)"
_YOU = "sie|nutzer|nutzerinnen|nutzende|dritte|dritten|mitglieder|entwickler"

CUES: dict[str, list[str]] = {
    "AI": [
        _AI_TOKEN,
        "künstliche|künstlicher|künstlichen|künstliches intelligenz",
        "maschinelles|maschinellen|maschinelle lernen|lernens|lernverfahren",
        "machine|deep learning",
        "~.*sprachmodell(e|en|s)?",
        "neuronale|neuronalen netze|netzen|netzwerke|netzwerken",
        "~chatbots?",
    ],
    "AI_NAME": ["=~KI-(Verordnung|VO|Gesetz|Gesetzes|Verordnungs|Büro)", "=AI =Act"],
    "MODEL": ["modell|modelle|modellen|modells|algorithmus|algorithmen", "~.*-modell(e|en|s)?"],
    "OUR_MODEL": ["unsere|unserer|unseren modelle|modellen|algorithmen"],
    "WEAK_OBJECT": [
        "unsere|unserer|unseren|die|der|jegliche _{0,2} produkte|technologie|technologien|systeme|"
        "tools|werkzeuge",
    ],
    "TRAIN": [
        "~(an)?trainier(e|en|st|t|te|ten|tes)?|training|trainings|anlernen|angelernt|"
        "feinabstimmung|feintuning|fine-tuning",
        "~trainings.*|.*-training",
    ],
    "TRAIN_VERB": ["trainieren|anlernen"],
    "DEVELOP": [
        "~(weiter)?entwickel(n|t|te|ten|st)?|(weiter)?entwicklung(en)?|verbesser(n|t|te|ten|ung|ungen)|"
        "optimier(en|t|te|ten|ung)|erforschen|forschung",
    ],
    "AI_WORK": ["=~KI-(Training|Entwicklung|Forschung)"],
    "INPUT": ["als eingabe|input|eingaben", "~trainingsdaten|datensätzen?|datensatz", "einspeisen|einspeisung"],
    "PROCESS_TO_DEVELOP": ["analysieren|verarbeiten|auswerten _{0,12} verbessern|entwickeln|trainieren"],
    "TRAIN_ON": ["trainieren|trainiert|training mit|auf|anhand"],
    "USER_DATA": [
        "ihre|ihrer|ihren|deine|deiner|deinen _{0,1} inhalte|inhalten|daten|informationen|beiträge|"
        "beiträgen|eingaben|prompts|unterhaltungen|chats|nachrichten|werke|kommentare|aufnahmen",
        "~nutzer(innen)?daten|nutzerinhalte(n)?|kundendaten|eingaben|prompts?|konversationen|unterhaltungen",
        "daten|inhalte|informationen der|von nutzer|nutzern|nutzerinnen|mitglieder|mitgliedern",
        "öffentliche|öffentlichen|öffentlich beiträge|inhalte|daten|zugängliche",
        "daten|informationen|inhalte|inhalten|bilder|fotos|videos|beiträge|kommentare",
        "~.*(daten|inhalte|informationen)",
    ],
    "PURPOSE": ["um|zur|zum|für"],
    "OUTPUT": ["=Output|Outputs", "generierte|generierten inhalte|ausgaben"],
    "OUTPUT_RULE": ["eigentum|eigentümer|gehören|gehört|übertragen|wasserzeichen|kennzeichnen|kennzeichnung|"
                    "menschlich|menschen"],
    "COMPETE": ["konkurrieren|konkurrierende|konkurrierenden|wettbewerb|konkurrenz|wettbewerber"],
    "PREFERENCE": ["möchten|möchtest|wollen|willst|wünschen"],
    "DECISION": ["~automatisierte[nr]? (einzel)?entscheidung(en|sfindung)?|profiling"],
    "NEG": ["nicht|kein|keine|keinen|keiner|keines|niemals|nie|weder",
            # „... ausgenommen das Training von Modellen“
            "ausgenommen|ausgeschlossen|ausschließt _{0,2} training|trainings|trainieren",
            "mit ausnahme _{0,2} training|trainings|trainierens"],
    "COND": ["wenn|falls|sofern|ob|soweit"],
    "CONTRAST": ["aber|jedoch|außer|ausgenommen|sondern"],
    "EXCEPTION": ["außer|ausgenommen", "es sei denn"],
    "BANNED_THING": ["verbotene|verbotener|verbotenen|rechtswidrige|rechtswidriger|rechtswidrigen|unzulässige|"
                     "unzulässigen _? inhalte|inhalten|aktivitäten|handlungen|produkte"],
    # Daten, die vor der Nutzung anonymisiert werden (nicht das Adjektiv allein)
    "DEIDENTIFIED": [
        f"{_DEIDENT} werden|wird|worden|sind|ist", f"werden|wird|sind|ist _? {_DEIDENT}",
        "in anonymisierter|pseudonymisierter|aggregierter|deidentifizierter|de-identifizierter form",
        "nur|ausschließlich ~(?:anonymisiert|pseudonymisiert|aggregiert|de-?identifiziert)e?[rnms]?",
        "nach der? anonymisierung|pseudonymisierung",
    ],
    "EXCEPT_NARROW": ["einwilligung|einwilligen|eingewilligt|zustimmung|zustimmen|zugestimmt|erlaubnis|"
                      "entscheiden|wählen", "~opt-?in", "erforderlich|notwendig"],
    "PROHIBIT": [
        f"{_YOU} dürfen|darf|darfst _{{0,8}} nicht|keine|keinen",
        "ist|sind _{0,3} untersagt|verboten|unzulässig",
        "untersagt|verboten|unzulässig|verbietet|untersagen",
        "nicht gestattet|erlaubt|zulässig",
        "es ist nicht gestattet",
    ],
    "RESERVE": ["vorbehalt|nutzungsvorbehalt|widersprechen|untersagen", "behalten|behält _{0,12} vor"],
    "AGENT_BOUND": ["dienstleister|auftragsverarbeiter|partner|anbieter _{0,6} nicht|untersagt|keine"],
    "PROHIBIT_START": ["nicht zu", "keine"],
    "UNLESS_PERMITTED": [
        "ohne !ihre|ihrer|ihr|deine|deiner _{0,3} zustimmung|genehmigung|erlaubnis|einwilligung",
        "nur mit !ihrer|deiner _{0,3} zustimmung|genehmigung|erlaubnis|einwilligung",
    ],
    "WRONG": [
        "unbefugt|unbefugte|unbefugten|unerlaubt|unerlaubte|unautorisiert|unautorisierte",
        "verletzen|verletzt",
    ],
    "INDEFINITE": ["jegliche|jeglicher|jegliches|jeglichen|beliebige|beliebiger|irgendein|irgendeine"],
    "NEITHER_THIRD": ["weder _{1,6} noch dritte|dritten"],
    "CONSENT": [
        "ohne ihre|ihrer|deine _{0,3} zustimmung|einwilligung|erlaubnis",
        "mit ihrer|deiner _{0,2} zustimmung|einwilligung|erlaubnis",
        "~opt-?in",
        "wenn|sofern sie _{0,4} zustimmen|einwilligen",
    ],
    "OPT": [
        "widersprechen|widersprochen|widerspruch|widerspruchsrecht",
        "~opt-?out",
        "opt out",
        "sie können _{0,15} widersprechen|widerrufen",
        "einwilligung widerrufen",
    ],
    "OPT_SETTING": [
        "sie können _{0,15} deaktivieren|ausschalten|abwählen|abbestellen",
        "möglichkeit _{0,4} verhindern|deaktivieren|widersprechen|auszuschließen",
        "~(konto)?einstellungen _{0,2} aktualisieren|ändern|anpassen",
    ],
    "SCRAPE": [
        "~.*scraping|scrapen|scraper|crawler|crawling|crawlen|spider|spidern",
        "text- und data-mining",
        "~data-?mining|datamining|text-?mining|tdm",
        "data mining",
        "daten _{0,3} extrahieren|abgreifen|auslesen|absaugen",
        # ein Zugriff auf einem Weg, den die Plattform nicht anbietet
        "auf|über _{0,2} andere|anderem|anderen weg|wege|weise|art|mitteln als",
        "mit|durch anderen mitteln als",
        "unbefugte|unerlaubte|nicht autorisierte automatisierung",
        "automatisierte nutzung|verwendung",
    ],
    "AUTOMATED": [
        "automatisierte|automatisierten|automatisierter|automatische|automatischen|automatisiert|"
        "automatisch",
        "~.*bots?|robots?|roboter",
    ],
    "ACCESS": [
        "zugreifen|zugriff|sammeln|erheben|extrahieren|kopieren|herunterladen|auslesen|abrufen|"
        "indexieren|erfassen",
    ],
    "AIGC": [
        "=~(KI|AI)-(generiert|erstellt|erzeugt)(e|en|er|es)?",
        "von|durch|mit|mithilfe|mittels _{0,3} =KI|AI _{0,2} ~(erstellt|erzeugt|generiert|"
        "verändert|bearbeitet)(e|en|er|es)?",
        "von|durch|mit|mithilfe|mittels _{0,3} künstlicher|künstliche intelligenz _{0,2} "
        "~(erstellt|erzeugt|generiert|verändert|bearbeitet)(e|en|er|es)?",
        "synthetische|synthetischen|manipulierte|manipulierten medien|inhalte|bilder|videos|stimmen",
        "~deep-?fakes?",
        "~human-in-the-loop",
        "human - in - the - loop",
    ],
    "LICENSE": ["lizenz|lizenzen|recht|rechte", "~.*nutzungsrechte?s?", "recht zur nutzung"],
    "ATTRIBUTE": [
        "~(weltweit|unentgeltlich|(lizenz)?gebührenfrei|kostenlos|übertragbar|unterlizenzierbar|"
        "sublizenzierbar|unwiderruflich|unbefristet|nicht-?exklusiv|nicht-?ausschließlich)(e|en|er|es)?",
        "einfache|einfaches nutzungsrecht",
        "nicht exklusive|exklusiv|ausschließliche|ausschließlich",
        "zeitlich|räumlich|inhaltlich|sachlich unbeschränkt|unbeschränkte|unbegrenzt|unbegrenzte",
    ],
    "NARROW_ATTRIBUTE": ["nicht übertragbar|übertragbare|unterlizenzierbar", "~nicht-übertragbar.*|widerruflich.*"],
    "TO_PLATFORM": [
        "räumen|räumst|gewähren|gewährst|erteilen|erteilst|übertragen|überträgst sie|du? uns",
        "uns _{0,6} einräumen|gewähren|erteilen",
        "räumen|gewähren|erteilen sie? =~(?!Ihnen\\b|Sie\\b|Nutzer)[A-Z].*",
    ],
    "TO_USERS": [
        "anderen nutzern|nutzerinnen|mitgliedern",
        "räumen|gewähren|erteilen ihnen|dir",
        "=~[A-Z].* räumt|gewährt|erteilt ihnen|dir",
    ],
    "LIMIT": [
        "soweit _{0,4} erforderlich|notwendig",
        "ausschließlich|nur|lediglich _{0,5} zur|zum bereitstellung|erbringung|betrieb",
        "im erforderlichen umfang",
        "zum alleinigen zweck",
    ],
    "NEW_USES": [
        "entwicklung|entwickeln|erforschung _{0,3} neuer|neue|neuen|künftiger|künftige dienste|produkte|"
        "funktionen|dienstleistungen|technologien|angebote",
    ],
    "OTHER_OBJECT": [
        "feedback|vorschläge|ideen|telemetrie|telemetriedaten|nutzungsdaten",
        "aggregierte|aggregierten|anonymisierte|anonymisierten|anonyme daten",
    ],
    "CONTENT": ["ihre|ihrer|ihren|deine inhalte|beiträge|werke|namen|stimme|abbild", "~inhalte?n?|inhalts"],
    "RIGHTS_VERBS": [
        "nutzen|verwenden|vervielfältigen|verbreiten|veröffentlichen|anzeigen|bearbeiten|übersetzen|"
        "übertragen|speichern|hosten|teilen|verwerten|unterlizenzieren|ändern|anpassen|vorführen|"
        "aufführen|senden|wiedergeben",
    ],
    "MAY_SUBJECT": ["wir dürfen|können", "=~[A-Z].* darf|kann"],
    "ONLY": ["nur|ausschließlich|lediglich"],
    "FIRST_PERSON": ["wir|uns"],
    "BLOCK": ["mit|mithilfe|mittels|durch|über"],
    "NEW_CLAUSE": ["und|aber|während|sondern wir|sie|er|es"],
    "DEFINITION": ["=~[\"“„»] _{1,6} =~[\"”“«] bezeichnet|bedeutet|meint"],
    "REVISION_NOTE": ["änderungen an|in|von abschnitt|ziffer|paragraph|absatz|klausel"],
}
