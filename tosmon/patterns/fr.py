"""French cues, same kinds as `en.py` (see the table in `rules.py`).

spaCy's French tokenizer splits elisions ("l’", "d'", "n’") into their own
tokens, so patterns list both apostrophes where an elision matters.
"""

_EL = "l'|l’|d'|d’"
_DEIDENT = "~(?:anonymisé|pseudonymisé|dépersonnalisé|désidentifié|agrégé)e?s?"
_YOU = "vous|utilisateur|utilisateurs|tiers|membres|développeurs|quiconque"
_PERMISSION = "autorisation|accord|consentement|permission|licence|approbation"
_AI = "=IA|IAs|AI|LLM|LLMs|GenAI"

CUES: dict[str, list[str]] = {
    "AI": [
        _AI,
        "intelligence|intelligences artificielle|artificielles",
        "apprentissage automatique|profond|machine",
        "machine|deep learning",
        "grands? modèles de langage",
        "modèles|modèle de langage|fondation",
        "réseaux|réseau de|des? neurones",
        "réseaux|réseau neuronaux|neuronal",
        "~chatbots?|agents? conversationnels?",
    ],
    "AI_NAME": [f"règlement|loi|acte|autorité|bureau|office sur|de|pour? {_EL}? intelligence artificielle|IA"],
    "MODEL": ["modèles|modèle|algorithmes|algorithme"],
    "OUR_MODEL": ["nos|notre|ses modèles|modèle|algorithmes|algorithme", "performances|qualité des? modèles"],
    "WEAK_OBJECT": [
        "notre|nos|ses|sa|la|les|le|tout|toute _{0,2} technologie|technologies|produits|produit|outils|"
        "outil|systèmes|système",
    ],
    # Every tense of "entraîner" (with or without its circumflex) and "affiner";
    # "former" only in the forms that read as training.
    "TRAIN": [
        "~(ré|pré-?)?entra[iî]n(e|es|er|ons|ez|ent|era|erons|erez|eront|erait|eraient|ait|aient|ant|"
        "é|ée|és|ées|ement|ements)",
        "~affin(er|e|ons|ent|era|erons|eront|é|ée|és|ées|ant|age)",
        "former|formé|formés|formée|formant|formation|apprendre",
    ],
    "TRAIN_VERB": ["aider? à? entraîner|former|entrainer"],
    "DEVELOP": [
        "~(développ|amélior|perfectionn|aliment)(e|es|er|ons|ez|ent|era|erons|eront|ant|é|ée|és|ées|"
        "ement|ements|ation|ations)",
        "concevoir|favoriser|enrichir|enrichissant",
    ],
    "AI_WORK": [f"recherche|développement en|sur {_EL}? IA|intelligence"],
    "INPUT": [
        f"comme|en tant que données {_EL} entrée",
        "jeux|jeu|ensembles|ensemble de données",
        f"données {_EL} entraînement|entrainement|apprentissage",
        "intégrer|ingérer|ingestion",
    ],
    "PROCESS_TO_DEVELOP": ["analyser|traiter _{0,10} pour|afin développer|améliorer|entraîner"],
    "TRAIN_ON": ["~entra[iî]n(er|ons|e|ent|é|ée|ement) sur|à partir"],
    "USER_DATA": [
        "vos|votre|des utilisateurs|membres _{0,1} contenus|contenu|données|informations|publications|"
        "messages|conversations|requêtes|instructions|œuvres|créations|commentaires|enregistrements",
        "données|contenus|informations que vous|nous _{0,2} fournissez|partagez|publiez|collectons",
        "données|contenus|informations des|de utilisateurs|membres",
        "~prompts?|requêtes|conversations?|entrées",
        "=Contenu|Entrées",
        "données|informations|contenus|contenu|images|photos|vidéos|publications|commentaires",
        "publications|contenus|données publiques|publics|publiquement",
    ],
    "PURPOSE": ["pour|afin", "~[a-zéèêâîôû]+(er|ir)"],
    "OUTPUT": ["=Résultats|Sorties|Output|Outputs", "contenus|contenu générés|généré"],
    "OUTPUT_RULE": ["propriétaire|propriété|cédons|cède|filigrane|signaler|indiquer|humain"],
    "COMPETE": ["concurrent|concurrents|concurrente|concurrentes|concurrence|concurrencer"],
    "PREFERENCE": ["souhaitez|souhaite|voulez|veut|préférez"],
    "DECISION": ["décision|décisions|profilage _{0,2} automatisée|automatisées|automatisé",
                 "prise de décision"],
    "NEG": ["pas|jamais|aucun|aucune|ni|nullement",
            # « ... mais exclut l'entraînement des modèles »
            "exclut|excluant|exclu|exclus|exclue|exclues _{0,2} entraînement|entraîner",
            "à l'|l’ exclusion _{0,3} entraînement|entraîner"],
    "COND": ["si|lorsque|quand|qu'|qu’"],
    "CONTRAST": ["mais|cependant|toutefois|sauf|excepté|hormis|néanmoins"],
    "EXCEPTION": ["sauf|excepté|hormis", "à moins"],
    "BANNED_THING": ["contenu|contenus|activités|activité|produits|usages "
                     "interdit|interdits|interdite|interdites|illicite|illicites"],
    # des données rendues anonymes avant usage (un attribut, pas un adjectif seul)
    "DEIDENTIFIED": [
        f"sont|est|soient|soit|seront|sera|être|été {_DEIDENT}",
        "sous|de _? forme|manière|façon anonyme|anonymes|anonymisée|anonymisées|agrégée|agrégées|"
        "pseudonymisée|pseudonymisées|dépersonnalisée|dépersonnalisées",
        f"uniquement|seulement|exclusivement {_DEIDENT}",
        "après anonymisation|pseudonymisation|dépersonnalisation|agrégation",
    ],
    "EXCEPT_NARROW": ["consentement|consentez|consenti|autorisation|accord|choisissez|décidez|demandez",
                      "~opt-?in", "nécessaire|nécessaires", "pour fournir|exécuter"],
    "PROHIBIT": [
        f"{_YOU} ne|n' _{{0,2}} pouvez|peuvent|peut|devez|doivent|doit|pourrez|pourront|sauriez pas",
        f"{_YOU} ne|n' _{{0,2}} pouvez|peuvent|peut|devez|doivent|doit|pourrez|pourront en aucun",
        "engagez|engage|engagent à ne pas",
        "il est _{0,2} interdit|défendu|prohibé",
        "interdit|interdite|interdits|interdites|interdiction|prohibé|prohibée|proscrit",
        "non autorisé|autorisée|autorisés|autorisées|permis|permise",
        "autorisons|permettons pas _{0,2} tiers|autres|quiconque",
    ],
    "RESERVE": ["réserve|réservons|réservé|réservés|opposons|oppose|opposition|interdisons|exclut|excluons"],
    "AGENT_BOUND": [
        "prestataires|sous-traitants|partenaires|fournisseurs _{0,4} interdiction|interdit|interdits|pas",
    ],
    "PROHIBIT_START": ["ne pas", "ne jamais"],
    "UNLESS_PERMITTED": [
        f"sans !votre|vos _{{0,3}} {_PERMISSION}",
        f"uniquement|seulement avec !votre|vos _{{0,3}} {_PERMISSION}",
        "sauf autorisation|accord",
    ],
    "WRONG": [
        "non autorisé|autorisée|autorisés|autorisées",
        "porter atteinte|préjudice",
        "enfreindre|enfreint|violer|viole",
    ],
    "INDEFINITE": ["tout|toute|quelconque"],
    "NEITHER_THIRD": ["ni _{1,6} ni aucun? les? des? tiers"],
    "CONSENT": [
        "sans votre|vos _{0,3} consentement|accord|autorisation|permission",
        "uniquement|seulement|qu' avec votre _{0,2} consentement|accord",
        "avec votre _{0,2} consentement|accord|autorisation",
        "si|lorsque vous y? consentez|acceptez",
        "~opt-?in",
    ],
    "OPT": [
        "vous opposer|opposez",
        f"droit {_EL} opposition",
        "opposition",
        "possibilité|droit de vous? opposer|refuser",
        "retirer votre consentement",
        "~opt-?out|désinscription",
        "opt out",
        "vous pouvez|pourrez _{0,3} opposer",
        "désactiver _{0,2} entraînement|entrainement",
    ],
    "OPT_SETTING": [
        "vous pouvez|pourrez _{0,3} désactiver|refuser|retirer|exclure|décocher|demander",
        "possibilité|option de _{0,3} empêcher|désactiver|refuser|exclure",
        "modifier|mettre à jour vos paramètres|préférences",
    ],
    "SCRAPE": [
        "~scraping|scraper|scrapers|crawling|crawler|crawlers|crawl|spider|spiders|spidering|"
        "moissonnage|moissonner|aspiration|aspirer|grattage|gratter|webscraping",
        f"robots|robot {_EL} indexation",
        "extraction|extraire|extrayez de|des données|contenus",
        "extraction automatisée|automatique",
        "fouille|fouilles de textes|texte? et? de données",
        "fouille de données|textes",
        "exploration|explorer de|des données",
        "data|text mining",
        "=TDM",
        # un accès par une voie que la plateforme n'offre pas
        "par|via tout|toute|tous|quelque moyen|moyens|méthode|méthodes _{0,5} autre|autres que",
        "automatisation non autorisée", "utilisation|usage automatisée|automatisé de|du|des",
    ],
    "AUTOMATED": [
        "automatisé|automatisés|automatisée|automatisées|automatique|automatiques",
        "~robots?|bots?",
    ],
    "ACCESS": [
        "accéder|accès|collecter|collecte|extraire|copier|télécharger|récupérer|indexer|surveiller|"
        "aspirer|consulter",
    ],
    "AIGC": [
        "généré|générée|générés|générées|créé|créée|créés|créées|produit|produite|produites|modifié|"
        f"modifiée|modifiés|modifiées|retouché|retouchée|manipulé|manipulée _{{0,6}} {_AI}",
        "généré|générée|générés|générées|créé|créée|créés|créées|produit|produite|produites|modifié|"
        "modifiée|modifiés|modifiées|retouché|retouchée|manipulé|manipulée _{0,6} intelligence artificielle",
        "hypertrucage|hypertrucages|deepfake|deepfakes",
        "médias|média|contenus|contenu|images|image|vidéos|vidéo|voix synthétiques|synthétique|"
        "truqués|truquée|truquées|truqué",
        "images|image|voix de synthèse",
        "contenus|contenu synthétiquement|artificiellement générés|généré|créés|créé",
        "=~.*[Ww]ith[Aa][Ii]",
    ],
    "LICENSE": ["licence|licences|license", f"droit|droits {_EL} utiliser|utilisation|exploitation|exploiter"],
    "ATTRIBUTE": [
        "mondiale|mondial|perpétuelle|perpétuel|irrévocable|cessible|cessibles|transférable|"
        "transférables|gratuite|gratuit|illimitée|illimité",
        "non exclusive|exclusif",
        "non-exclusive|non-exclusif|nonexclusive",
        "~sous-licences?|sous-licenciables?",
        "pour le monde entier",
        "à titre gratuit",
        "libre|libres de redevances|redevance",
        "sans redevance|redevances",
        "connus _{0,4} ou développés|créés ultérieurement",
    ],
    "NARROW_ATTRIBUTE": ["non cessible|transférable|exclusive", "non-cessible|non-transférable|révocable"],
    "TO_PLATFORM": [
        "vous nous accordez|concédez|octroyez|conférez",
        "accordez|concédez|octroyez|conférez à =~(?!vous)[A-Z].*",
        "licence|licences à =~(?!Vous)[A-Z].*",
    ],
    "TO_USERS": [
        "aux|autres utilisateurs|membres",
        "vous accorde|concède|octroie|confère",
        "nous vous accordons|concédons|octroyons",
        "=~[A-Z].* vous accorde|concède",
    ],
    "LIMIT": [
        "dans la _{0,2} mesure _{0,4} nécessaire",
        "uniquement|exclusivement|seulement _{0,4} pour|afin fournir|exploiter|héberger|permettre",
        "aux seules fins",
        "dans le seul but",
        "strictement nécessaire",
    ],
    "NEW_USES": [
        "développement|développer|recherche|créer|création _{0,4} nouveaux|nouvelles|futurs|futures "
        "services|produits|fonctionnalités|technologies",
    ],
    "OTHER_OBJECT": [
        "retours|suggestions|idées|télémétrie",
        "données agrégées|anonymisées|anonymes",
        f"données {_EL} utilisation|usage",
    ],
    "CONTENT": [
        "votre|vos contenu|contenus|œuvres|publications|nom|voix|ressemblance",
        "~contenus?|ressemblance",
    ],
    "RIGHTS_VERBS": [
        "utiliser|copier|reproduire|distribuer|publier|afficher|exécuter|modifier|adapter|traduire|"
        "transmettre|stocker|héberger|partager|exploiter|commercialiser|vendre|communiquer|diffuser|"
        "représenter|extraire|traiter",
    ],
    "MAY_SUBJECT": ["nous pouvons|pourrons", "=~[A-Z].* peut|pourra"],
    "ONLY": ["uniquement|seulement|exclusivement"],
    "FIRST_PERSON": ["nous"],
    "BLOCK": ["utilisant|avec|par|via|grâce|moyen|aide"],
    "NEW_CLAUSE": ["et|mais|tandis|alors nous|vous|ils|elles|il|elle"],
    "DEFINITION": ["=~[\"“«] _{1,6} =~[\"”»] désigne|signifie|désignent", "_{1,5} : désigne|désignent|signifie"],
    "REVISION_NOTE": ["mises|mise à jour des|de la|de l'|de l’ sections|section|articles|article|clauses"],
}
