"""English cues: the words and phrases terms of service use for each idea.

Each kind names one idea the rules in `rules.py` reason with (see the table
there); the patterns use the notation of `spec.py`. Written from how terms
phrase these things in general, not from one platform's wording.
"""

_NOT = "not|n't|n’t"
_USERS_OF = "your|user|users|user's|users'|user’s|users’|customer|customers|customer's|member|members|creator|creators|people's|people’s|personal"
_THINGS = ("content|contents|data|information|inputs|input|prompts|conversations|chats|messages|"
           "interactions|uploads|posts|submissions|works|materials|recordings|files|photos|images|videos|"
           "audio|music|feedback|activity|voice|likeness|text|comments|queries|questions|info|creations")
_YOU = "you|users|user|others|anyone|developers|licensees|clients|parties|party|members"
_BE = "must|shall|will|is|are|be|been|being|was|were|get|gets"
_DEIDENT = "~(?:anonymi[sz]ed|pseudonymi[sz]ed|de-?identified|anonymous)"
_PERMISSION = "permission|consent|authorization|authorisation|approval|license|licence|agreement"
# Verbs that make or change content.
_MAKE = ("generated|created|produced|composed|altered|modified|edited|manipulated|generating|creating|"
         "producing|composing|altering|modifying|editing|manipulating")

CUES: dict[str, list[str]] = {
    # --- AI technology, and the generic things a model is called -----------
    "AI": [
        "=AI|AIs|A.I.|GenAI|LLM|LLMs|ML|AIGC",
        "artificial|machine intelligence",
        "machine|deep learning",
        "machine - learning",
        "large? language models|model",
        "neural networks|network",
        "foundation|foundational|frontier models|model",
        "generative models|model",
        "~chatbots?",
    ],
    # Names that contain an AI term but are not the technology.
    "AI_NAME": [
        "=~[A-Z].* and? artificial intelligence =Authority|Office|Act|Board|Commission|Institute",
        "=AI =Act|Office|Pact|Board",
        # a company's name before its products: "the Mistral AI Products", "Stability AI Services"
        "=~[A-Z][a-z]+ =AI =Products|Services|Platform|Platforms|Websites?|Sites?|Apps?|Offerings|Solutions",
        "=Artificial =Intelligence =Act|Authority",
    ],
    "MODEL": ["models|model|algorithms|algorithm|classifiers"],
    # Models that are the platform's own, or their quality: what "improve" acts on.
    "OUR_MODEL": [
        "our|its !business|pricing|subscription|revenue|payment|operating|delivery|service|role? "
        "models|model|algorithms|algorithm",
        "model|models performance|quality|accuracy",
    ],
    "WEAK_OBJECT": [
        "our|its|the|any _{0,2} products|product|tools|tool|systems|system|technology|technologies",
    ],
    # --- what is done to the model -------------------------------------------
    "TRAIN": [
        "train|trains|trained|training|retrain|retraining|pretrain|pretraining|teach|teaching|"
        "tuning|finetune|finetuning|fine-tune|fine-tuning",
        "fine - tune|tuning|tuned",
        "~pre-?train(ing|ed)?",
    ],
    "TRAIN_VERB": ["help? train|teach"],
    "DEVELOP": [
        "develop|developing|development|improve|improving|improvement|improvements|enhance|"
        "enhancing|build|building|foster|fostering|advance|advancing|inform|informing",
    ],
    "AI_WORK": [
        "=AI|ML development|research|training|learning",
        # "helps our models become more accurate", "to make our models more helpful"
        "help|helps|helping|make|makes|making|allow|allows|allowing|enable|enables our|its models|model "
        "_{0,3} better|more|smarter",
    ],
    "INPUT": [
        "as input|inputs to|into|for",
        "serve as input",
        "ingest|ingesting|ingested",
        "feed|feeding|fed _{0,4} into|to",
        "in? datasets|dataset",
        "data sets|set",
        "training data|datasets|sets",
    ],
    "PROCESS_TO_DEVELOP": ["analyze|analyse|process _{0,10} to develop|improve|train"],
    # "train on your content": the data a model learns from, named after "on".
    "TRAIN_ON": ["train|trains|trained|training|retrain|retraining|improves|learns|learn on|from"],
    # What users put in or make: the object a grant of training must have.
    "USER_DATA": [
        f"{_USERS_OF} _{{0,2}} {_THINGS}",
        "~inputs?|prompts?|conversations?|chats?|uploads?|submissions?|recordings?|interactions?|queries",
        "data|information|info|content|contents|materials|datasets|images|photos|videos|audio|posts|"
        "comments|suggestions|feedback|activity|usage",
        "=Content|Input|Inputs|Customer|Materials|Feedback",
        "content|data|information|materials|anything|what you|users|people|members share|provide|post|"
        "upload|submit|create|make",
        "data|information|content we|that _{0,2} collect|collected|receive|received|obtain|process|have",
        "publicly|public available? posts|content|data|information|comments|photos",
        "user - generated",
        "user-generated|ugc",
    ],
    # How a purpose starts a clause: "To train ...", "Developing new products ...".
    "PURPOSE": ["to|for", "~[a-z]+ing"],
    # Output as a defined thing ("Output", "Outputs"): what a model gives back.
    "OUTPUT": ["=Output|Outputs|Completions|OUTPUT|OUTPUTS|AIGC",
               "generated|ai outputs|output|content|responses", "output from|of our|the|such models|model|ai",
               # "outputs of the Services", "the Services outputs", "output from Grammarly's generative AI"
               "outputs|output of|from the|such|our? services|service|tools|tool|models|model|features",
               "services|service outputs|output", "outputs|output from|of _{0,2} generative",
               "outputs|output from|of _{0,2} =AI",
               "=Generated =Music|Content|Images|Audio|Video|Media|Output|Outputs|Assets|Voices",
               "generated images|imagery|videos|media|voices"],
    # What terms rule about outputs: who owns them, whether they may pass for human work.
    # (Who answers for using them, and checking them, are warnings, not such rules.)
    "OUTPUT_RULE": [
        "ownership|assign|assigns|assigned|assignment|title|watermark|watermarks|watermarking|"
        "human-generated|misrepresent|provenance|belong|belongs",
        "you|we|user|users|shall|will|to own|owns",
        "human -? generated|made|created|authored",
        # "mislead recipients of generated images about their nature or source"
        "mislead|misleading _{0,6} nature|source|origin|provenance",
    ],
    # Building a rival: "develop models that compete with us" is a ban on users.
    "COMPETE": ["compete|competes|competing|competitive|competitor|competitors|rival"],
    # "if you don't want us to ...": a wish, not a promise.
    "PREFERENCE": ["want|wants|wish|wishes|prefer|prefers|like"],
    # --- who may do it, and whether they may ---------------------------------
    "NEG": [_NOT, "never|neither|nor|no",
            # "which includes debugging ... but excludes model training"
            "excludes|excluding|excluded|exclude _{0,2} training|train"],
    "COND": ["if|whether|unless|when|where|whereas"],
    "CONTRAST": ["but|however|except|although|though|unless|provided"],
    # "we do not train on your data except when ...": the cases excepted are granted.
    "EXCEPTION": ["except|unless|excluding", "other than", "save where|when|if|for"],
    # Data made anonymous before it is used: a predicate, not an adjective ("anonymized
    # data" alone may be one kind among others used).
    "DEIDENTIFIED": [
        f"{_BE} {_DEIDENT}", f"{_BE} de - identified",
        f"{_BE} aggregated|pooled and|or {_DEIDENT}", f"{_BE} aggregated|pooled and|or de - identified",
        "in|into an? aggregated|anonymous|anonymized|anonymised|pseudonymized|pseudonymised|deidentified|"
        "de-identified form|manner|format",
        "in|into an? de - identified form|manner|format",
        f"only|solely|exclusively {_DEIDENT}", "only|solely|exclusively de - identified",
        "after|once|when _? anonymizing|anonymising|deidentifying|de-identifying|pseudonymizing|pseudonymising",
    ],
    # What an exception may name and still grant nothing: the user's own say-so ("unless
    # you opt in", "except content you choose to submit") or running the service for them.
    "EXCEPT_NARROW": [
        "consent|consents|consented|permission|authorization|authorisation|opt-in|optin",
        "opt|opted|opting - ? in", "opt|opted|opting in",
        "choose|chooses|chose|elect|elects|decide|decides|agree|agrees|agreed|ask|asks|request|requests",
        "as|where needed|necessary|required",
        "to provide|deliver|operate|perform",
    ],
    "PROHIBIT": [
        f"{_YOU} must|may|shall|will|should|can|ca|agree {_NOT}",
        f"{_YOU} _? must|may|shall|will {_NOT}",
        "cannot|mustn't|mustn’t|shan't",
        f"agree|undertake {_NOT} to",
        f"{_NOT} permitted|allowed|authorized|authorised",
        "prohibited|prohibits|prohibit|forbidden|forbid|forbids|banned",
        "is|are strictly|expressly|not prohibited|forbidden",
        "except as expressly? permitted|approved|authorized|authorised|allowed",
        "no other rights|licenses|licences",
        f"{_NOT} allow|permit|authorize|authorise _{{0,2}} third|others|anyone|users|any",
        "please do not",
    ],
    # "reported as prohibited content": a kind of content, not a ban on anyone.
    "BANNED_THING": ["prohibited|forbidden|banned|illegal|unlawful content|contents|material|materials|conduct|"
                     "activities|activity|items|products|practices|categories|uses"],
    # "without our permission": a ban on others, unless the platform itself is the one negated.
    "UNLESS_PERMITTED": [
        f"without !your _{{0,3}} {_PERMISSION}",
        f"only|solely|except with !your _{{0,3}} {_PERMISSION}",
        "unless you have obtained",
    ],
    # Reserving rights against text and data mining (Art. 4(3) of Directive 2019/790).
    "RESERVE": ["reserve|reserves|reserved|reservation|oppose|opposes|object|objects|prohibit|prohibits"],
    # The platform's own processors bound not to train: a restriction, not a ban on users.
    "AGENT_BOUND": [
        "providers|processors|subprocessors|sub-processors|vendors|partners|contractors _{0,3} "
        f"prohibited|{_NOT}|never|cannot|contractually",
    ],
    # Imperative bans at the start of a list item: "Not to scrape ...".
    "PROHIBIT_START": ["not to", "do not", f"do {_NOT}", "don't|don’t", "never"],
    "WRONG": [
        "unauthorized|unauthorised",
        "prejudice the interests",
        "infringe|infringes|infringing",
    ],
    "INDEFINITE": ["any"],
    "NEITHER_THIRD": ["neither _{1,6} nor any? third - party|parties", "neither _{1,6} nor any? third parties|party"],
    "CONSENT": [
        "without your _{0,3} consent|permission|authorization|authorisation|agreement",
        "only|solely with your _{0,3} consent|permission",
        "opt - in",
        "opt-in|optin",
        "unless|if you opt -? in",
        "unless|if you opt-in|optin",
        "unless you consent|agree",
        "with your _{0,2} consent|permission|authorization|authorisation|agreement",
    ],
    # --- ways to object ------------------------------------------------------
    "OPT": [
        "opt|opting|opted -? out",
        # "when you have not opted out": the way out exists, the negation is a condition
        "have|has not opted -? out",
        "have|has not opted-out",
        "opt-out|optout",
        "right to object",
        "object to|objection|objections",
        "have|has objected",
        "possibility|opportunity to oppose|object",
        "withdraw your? consent",
        "allows you to object|opt",
        "turn|turning|switch|switching off _{0,2} training|train|model",
        "do not train on my",
        "control|controls|choose|decide of? whether|if _{0,6} used|use",
    ],
    # Settings and requests: a way out only where the clause is about training.
    "OPT_SETTING": [
        f"{_YOU} can|may|could _{{0,3}} turn|switch off",
        f"{_YOU} can|may|could|are|is _{{0,3}} disable|deactivate|exclude|submit|tag|untick|uncheck",
        "turning|switching off",
        "allows you to disable|turn|choose|exclude",
        "option|choice|ability|possibility to _{0,3} prevent|stop|disable|exclude|decline",
        "update|change|adjust your _{0,2} settings|preferences",
    ],
    # --- scraping ------------------------------------------------------------
    "SCRAPE": [
        "~scrape|scrapes|scraped|scraping|scraper|scrapers|spider|spiders|spidering|crawl|crawls|"
        "crawled|crawling|crawler|crawlers|harvest|harvesting|webscraping",
        "screen|web|database scraping|scrape",
        "data|text -? mining",
        "data-mining|datamining",
        "mine data|content",
        "data gathering|extraction",
        "data - gathering|extraction",
        "mine , scrape",
        "extract|extracting|extraction of? any? data",
        # access by a way the platform does not offer: "by any means other than our published
        # interfaces", "use any method to extract any content ... other than as permitted"
        "by|through any means|method|methods _{0,5} other than",
        "any means|method|methods to extract|obtain|collect|copy",
        "unauthorized|unauthorised automation",
        "automated use of", "automating interactions|access|requests",
        "create|build|compile a|any database|databases of|from",
    ],
    "AUTOMATED": [
        "automated|automatic|automatically means|system|systems|process|processes|tools|software|"
        "scripts|devices|ways|method|methods|access",
        "~robots?|bots?|botnets?|robots.txt",
    ],
    "ACCESS": [
        "access|accessing|collect|collecting|gather|gathering|extract|extracting|copy|copying|"
        "download|downloading|view|monitor|harvest|obtain|retrieve|index|indexing",
    ],
    # Automated decision-making is a data-protection right, never scraping.
    "DECISION": ["automated|automatic individual? decision|decisions|decision-making|processing|profiling",
                 "automated - decision"],
    # --- AI-generated uploads ------------------------------------------------
    "AIGC": [
        "=AI|A.I. - generated|created|made|produced|altered|manipulated|assisted",
        "=~(AI|A\\.I\\.)-(generated|created|made|produced|altered|manipulated|assisted)",
        "computer - generated",
        f"{_MAKE} _{{0,4}} by|with|using|through|via =AI|A.I.|GenAI",
        f"{_MAKE} _{{0,4}} by|with|using|through|via _{{0,3}} artificial intelligence",
        f"{_MAKE} _{{0,4}} by|with|using|through|via _{{0,3}} generative|ai|artificial tools|programs|"
        "programmes",
        "generated _{0,2} without the use of",
        "generated|created|made|written|produced by a human|person",
        "made using|with =AI|A.I.|GenAI",
        "using|use _{0,3} =AI|GenAI to generate|create|edit|churn|produce|write|make",
        "synthetic|synthesized|synthesised|manipulated|altered|fake media|content|images|image|video|"
        "videos|audio|voices|voice|imagery|personas",
        "synthetic or manipulated",
        "synthetically|artificially generated|created|produced",
        "deepfake|deepfakes",
        "deep -? fake|fakes",
        "=AI version|clone|replica|likeness of",
        "voice clone|clones|cloning",
        "output|outputs of generative? =AI|GenAI",
        "output|outputs of generative? artificial intelligence",
        "=~.*[Ww]ith[Aa][Ii]",
        "created using ai tools",
        "human - in - the - loop",
        "!our|my generative =AI|GenAI tools",
        # the term of China's rules on AI-made media, marked as such
        "deep synthesis|synthesized",
        "deep - synthesis",
        "=AI|A.I. - detection|generated label|labels|tag|tags|flag|flags",
        "=~(AI|A\\.I\\.)-detection label|labels|tag|tags|flag|flags",
    ],
    # --- licences over user content ------------------------------------------
    "LICENSE": ["~licen[cs]es?", "right|rights to use|exploit", "rights and licenses|licences"],
    "ATTRIBUTE": [
        "worldwide|perpetual|irrevocable|sublicensable|sublicenseable|transferable|assignable|"
        "nonexclusive|unlimited|unrestricted",
        "world - wide",
        "royalty -? free",
        "royalty-free|royaltyfree",
        "sub - licensable|licenseable|licensable|license",
        "fully paid|paid-up",
        "non - exclusive",
        "free of charge",
        "now known or hereafter|later",
        "all media",
    ],
    # "non-transferable": an attribute that narrows, and a sign the licence goes to the user.
    "NARROW_ATTRIBUTE": [
        "non - transferable|sublicensable|assignable|sublicenseable|commercial",
        "non-transferable|nontransferable|non-sublicensable|revocable",
    ],
    "TO_PLATFORM": [
        "grant|grants|give|gives to? us",
        "=~[Gg]rants? to? =~(?!You\\b|Your\\b|Users?\\b)[A-Z].*",
        "licenses|licences|license|licence|rights to us",
        "licenses|licences|license|licence|rights to =~(?!You\\b|Your\\b|Users?\\b)[A-Z].*",
    ],
    "TO_USERS": [
        "grant|grants|license|licence|licenses|to each? other? users|user|member|members|visitors",
        "grant|grants you",
        "=~[A-Z].* grants",
        "we hereby? grant",
    ],
    "LIMIT": [
        "to the extent _{0,2} necessary|required",
        "necessary|required _{0,4} to provide|operate|host|enable|make|run|deliver",
        "sole|solely|only _{0,4} to provide|operate|host|run|deliver|display",
        "sole|solely|only _{0,3} enabling|providing|operating|hosting|delivering|making",
        "only as enabled",
        "for the sole purpose",
        "limited to _{0,3} providing|operating|hosting",
    ],
    # Uses beyond the service as it is: what makes a licence broad whatever else it says.
    "NEW_USES": [
        "develop|developing|development|research|researching|create|creating _{0,3} new|future "
        "products|services|features|technologies|ones|offerings|businesses",
        "new products and services",
    ],
    "OTHER_OBJECT": [
        "feedback|suggestions|ideas|telemetry",
        "service generated|generated data",
        "usage|diagnostic data",
        "aggregated|aggregate|anonymous|anonymized|anonymised|de-identified data|information",
    ],
    "CONTENT": [
        "your|user|customer|member content|contents|works|materials|submissions|uploads|posts|"
        "photos|videos|recordings|music|likeness|name|username|voice",
        "~likeness|content|contents",
    ],
    "RIGHTS_VERBS": [
        "use|copy|reproduce|distribute|redistribute|publish|display|perform|modify|adapt|translate|"
        "transmit|store|host|share|sublicense|exploit|commercialize|commercialise|sell|disclose|"
        "edit|transcribe|process|extract|preserve|import|review|broadcast|stream|monetize",
    ],
    "MAY_SUBJECT": ["we may|can|shall", "=~(?!You\\b|Users?\\b)[A-Z].* may|can|shall"],
    "ONLY": ["only|solely|exclusively"],
    "FIRST_PERSON": ["we|us"],
    # Words between a verb and an AI term that make the AI a tool, not the object.
    "BLOCK": ["using|with|by|through|via|from|in"],
    # A new clause with its own subject ends the reach of a negation.
    "NEW_CLAUSE": ["and|but|while|whereas|so we|you|they|it", "—|– we|you|they|it"],
    # --- text that is not a term ---------------------------------------------
    "DEFINITION": [
        "=~[\"“'‘] _{1,6} =~[\"”'’] refers|means|shall|is",
        "_ refers to",
        "is defined as|referred",
    ],
    "REVISION_NOTE": [
        "updates|update|changes|amendments|revisions to section|sections|clause|clauses|paragraph",
        "update|revision notes",
        "summary of changes",
    ],
}
