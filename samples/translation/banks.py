# Aligned sentences are data: one line each reads better than wrapped.
# ruff: noqa: E501
"""Aligned phrase banks for the demo translation corpus: es, fr, de and en forms of one concept.

Written for this project. Each entry is one concept; variant forms that a template asks for with
``{slot:variant}`` live under keys like ``"de.dat"`` (German dative) and fall back to the plain
form. German case variants exist because German articles change with case, and the templates
place a slot where its case is fixed.
"""

from __future__ import annotations

Entry = dict[str, str]


def e(es: str, fr: str, de: str, en: str, **variants: str) -> Entry:
    """One aligned entry; ``de_dat="..."`` becomes the variant ``"de.dat"``."""
    entry = {"es": es, "fr": fr, "de": de, "en": en}
    for key, value in variants.items():
        lang, _, variant = key.partition("_")
        entry[f"{lang}.{variant}"] = value
    return entry


# Authorities. ``de.dat``/``de.acc`` because "von der Staatsanwaltschaft", "an den Richter".
AUTHORITIES: list[Entry] = [
    e(
        "la Fiscalía de {city}",
        "le parquet de {city}",
        "die Staatsanwaltschaft {city}",
        "the Public Prosecutor's Office of {city}",
        de_dat="der Staatsanwaltschaft {city}",
    ),
    e(
        "el juez de instrucción de {city}",
        "le juge d'instruction de {city}",
        "der Ermittlungsrichter in {city}",
        "the investigating judge of {city}",
        de_dat="dem Ermittlungsrichter in {city}",
        de_acc="den Ermittlungsrichter in {city}",
    ),
    e(
        "el Juzgado de Instrucción de {city}",
        "le tribunal d'instruction de {city}",
        "das Untersuchungsgericht {city}",
        "the Investigating Court of {city}",
        de_dat="dem Untersuchungsgericht {city}",
    ),
    e(
        "el tribunal de {city}",
        "le tribunal de {city}",
        "das Gericht in {city}",
        "the court of {city}",
        de_dat="dem Gericht in {city}",
    ),
    e(
        "la Audiencia Nacional",
        "la Cour nationale espagnole",
        "der Nationale Gerichtshof Spaniens",
        "the Spanish National High Court",
        de_dat="dem Nationalen Gerichtshof Spaniens",
        de_acc="den Nationalen Gerichtshof Spaniens",
    ),
    e(
        "el Ministerio de Justicia",
        "le ministère de la Justice",
        "das Justizministerium",
        "the Ministry of Justice",
        de_dat="dem Justizministerium",
    ),
    e(
        "la autoridad central",
        "l'autorité centrale",
        "die Zentralbehörde",
        "the central authority",
        de_dat="der Zentralbehörde",
    ),
    e(
        "la Oficina Federal de Justicia",
        "l'Office fédéral de la justice",
        "das Bundesamt für Justiz",
        "the Federal Office of Justice",
        de_dat="dem Bundesamt für Justiz",
    ),
    e(
        "la policía judicial",
        "la police judiciaire",
        "die Kriminalpolizei",
        "the criminal police",
        de_dat="der Kriminalpolizei",
    ),
    e(
        "la autoridad de ejecución",
        "l'autorité d'exécution",
        "die Vollstreckungsbehörde",
        "the executing authority",
        de_dat="der Vollstreckungsbehörde",
    ),
    e(
        "la autoridad de emisión",
        "l'autorité d'émission",
        "die Anordnungsbehörde",
        "the issuing authority",
        de_dat="der Anordnungsbehörde",
    ),
    e(
        "la autoridad requerida",
        "l'autorité requise",
        "die ersuchte Behörde",
        "the requested authority",
        de_dat="der ersuchten Behörde",
    ),
    e(
        "la autoridad requirente",
        "l'autorité requérante",
        "die ersuchende Behörde",
        "the requesting authority",
        de_dat="der ersuchenden Behörde",
    ),
    e(
        "la Fiscalía General del Estado",
        "le parquet général",
        "die Generalstaatsanwaltschaft",
        "the Office of the Prosecutor General",
        de_dat="der Generalstaatsanwaltschaft",
    ),
    e(
        "el fiscal encargado del caso",
        "le procureur chargé du dossier",
        "der zuständige Staatsanwalt",
        "the prosecutor in charge of the case",
        de_dat="dem zuständigen Staatsanwalt",
        de_acc="den zuständigen Staatsanwalt",
    ),
    e("Eurojust", "Eurojust", "Eurojust", "Eurojust"),
    e(
        "la oficina de Interpol",
        "le bureau d'Interpol",
        "das Interpol-Büro",
        "the Interpol office",
        de_dat="dem Interpol-Büro",
    ),
    e(
        "la Policía Nacional",
        "la police nationale",
        "die Bundespolizei",
        "the national police",
        de_dat="der Bundespolizei",
    ),
    e(
        "el juez de libertades y detención",
        "le juge des libertés et de la détention",
        "der Haftrichter",
        "the judge for liberties and detention",
        de_dat="dem Haftrichter",
        de_acc="den Haftrichter",
    ),
    e(
        "la unidad de delitos económicos",
        "la brigade financière",
        "die Abteilung für Wirtschaftskriminalität",
        "the economic crime unit",
        de_dat="der Abteilung für Wirtschaftskriminalität",
    ),
]

# Legal bases. German ``acc`` after "auf", ``dat`` after "nach"/"gemäß".
CONVENTIONS: list[Entry] = [
    e(
        "el Convenio Europeo de Asistencia Judicial en Materia Penal de 20 de abril de 1959",
        "la Convention européenne d'entraide judiciaire en matière pénale du 20 avril 1959",
        "das Europäische Übereinkommen über die Rechtshilfe in Strafsachen vom 20. April 1959",
        "the European Convention on Mutual Assistance in Criminal Matters of 20 April 1959",
        de_dat="dem Europäischen Übereinkommen über die Rechtshilfe in Strafsachen vom 20. April 1959",
    ),
    e(
        "el Segundo Protocolo Adicional al Convenio Europeo de Asistencia Judicial",
        "le deuxième protocole additionnel à la Convention européenne d'entraide judiciaire",
        "das Zweite Zusatzprotokoll zum Europäischen Rechtshilfeübereinkommen",
        "the Second Additional Protocol to the European Convention on Mutual Assistance",
        de_dat="dem Zweiten Zusatzprotokoll zum Europäischen Rechtshilfeübereinkommen",
    ),
    e(
        "el Convenio relativo a la asistencia judicial en materia penal entre los Estados miembros "
        "de la Unión Europea de 29 de mayo de 2000",
        "la Convention relative à l'entraide judiciaire en matière pénale entre les États membres "
        "de l'Union européenne du 29 mai 2000",
        "das Übereinkommen über die Rechtshilfe in Strafsachen zwischen den Mitgliedstaaten "
        "der Europäischen Union vom 29. Mai 2000",
        "the Convention on Mutual Assistance in Criminal Matters between the Member States "
        "of the European Union of 29 May 2000",
        de_dat="dem Übereinkommen über die Rechtshilfe in Strafsachen zwischen den Mitgliedstaaten "
        "der Europäischen Union vom 29. Mai 2000",
    ),
    e(
        "la Directiva 2014/41/UE relativa a la orden europea de investigación en materia penal",
        "la directive 2014/41/UE concernant la décision d'enquête européenne en matière pénale",
        "die Richtlinie 2014/41/EU über die Europäische Ermittlungsanordnung in Strafsachen",
        "Directive 2014/41/EU regarding the European Investigation Order in criminal matters",
        de_dat="der Richtlinie 2014/41/EU über die Europäische Ermittlungsanordnung in Strafsachen",
    ),
    e(
        "el Convenio Europeo de Extradición de 13 de diciembre de 1957",
        "la Convention européenne d'extradition du 13 décembre 1957",
        "das Europäische Auslieferungsübereinkommen vom 13. Dezember 1957",
        "the European Convention on Extradition of 13 December 1957",
        de_dat="dem Europäischen Auslieferungsübereinkommen vom 13. Dezember 1957",
    ),
    e(
        "la Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional",
        "la Convention des Nations unies contre la criminalité transnationale organisée",
        "das Übereinkommen der Vereinten Nationen gegen die grenzüberschreitende organisierte "
        "Kriminalität",
        "the United Nations Convention against Transnational Organized Crime",
        de_dat="dem Übereinkommen der Vereinten Nationen gegen die grenzüberschreitende "
        "organisierte Kriminalität",
    ),
    e(
        "la Convención de las Naciones Unidas contra la Corrupción",
        "la Convention des Nations unies contre la corruption",
        "das Übereinkommen der Vereinten Nationen gegen Korruption",
        "the United Nations Convention against Corruption",
        de_dat="dem Übereinkommen der Vereinten Nationen gegen Korruption",
    ),
    e(
        "el Convenio sobre la Ciberdelincuencia, hecho en Budapest el 23 de noviembre de 2001",
        "la Convention sur la cybercriminalité, faite à Budapest le 23 novembre 2001",
        "das Übereinkommen über Computerkriminalität, geschlossen in Budapest am 23. November 2001",
        "the Convention on Cybercrime, done at Budapest on 23 November 2001",
        de_dat="dem Übereinkommen über Computerkriminalität, geschlossen in Budapest am "
        "23. November 2001",
    ),
    e(
        "la Decisión Marco 2002/584/JAI relativa a la orden de detención europea",
        "la décision-cadre 2002/584/JAI relative au mandat d'arrêt européen",
        "der Rahmenbeschluss 2002/584/JI über den Europäischen Haftbefehl",
        "Framework Decision 2002/584/JHA on the European arrest warrant",
        de_acc="den Rahmenbeschluss 2002/584/JI über den Europäischen Haftbefehl",
        de_dat="dem Rahmenbeschluss 2002/584/JI über den Europäischen Haftbefehl",
    ),
    e(
        "el Convenio de aplicación del Acuerdo de Schengen",
        "la Convention d'application de l'accord de Schengen",
        "das Schengener Durchführungsübereinkommen",
        "the Convention implementing the Schengen Agreement",
        de_dat="dem Schengener Durchführungsübereinkommen",
    ),
    e(
        "el tratado bilateral de asistencia judicial en materia penal",
        "le traité bilatéral d'entraide judiciaire en matière pénale",
        "der bilaterale Rechtshilfevertrag in Strafsachen",
        "the bilateral treaty on mutual legal assistance in criminal matters",
        de_acc="den bilateralen Rechtshilfevertrag in Strafsachen",
        de_dat="dem bilateralen Rechtshilfevertrag in Strafsachen",
    ),
    e(
        "el principio de reciprocidad",
        "le principe de réciprocité",
        "der Grundsatz der Gegenseitigkeit",
        "the principle of reciprocity",
        de_acc="den Grundsatz der Gegenseitigkeit",
        de_dat="dem Grundsatz der Gegenseitigkeit",
    ),
    e(
        "la Ley de Enjuiciamiento Criminal",
        "le code de procédure pénale",
        "die Strafprozessordnung",
        "the Code of Criminal Procedure",
        de_dat="der Strafprozessordnung",
    ),
]

# Offences. Spanish/French after "de"; German ``gen`` after "wegen".
OFFENCES: list[Entry] = [
    e("estafa", "escroquerie", "Betrug", "fraud", de_gen="Betrugs"),
    e(
        "estafa agravada",
        "escroquerie aggravée",
        "schwerer Betrug",
        "aggravated fraud",
        de_gen="schweren Betrugs",
    ),
    e("blanqueo de capitales", "blanchiment d'argent", "Geldwäsche", "money laundering"),
    e(
        "tráfico de drogas",
        "trafic de stupéfiants",
        "Drogenhandel",
        "drug trafficking",
        de_gen="Drogenhandels",
    ),
    e(
        "tráfico ilícito de armas",
        "trafic d'armes",
        "illegaler Waffenhandel",
        "illicit arms trafficking",
        de_gen="illegalen Waffenhandels",
    ),
    e(
        "trata de seres humanos",
        "traite des êtres humains",
        "Menschenhandel",
        "trafficking in human beings",
        de_gen="Menschenhandels",
    ),
    e("corrupción", "corruption", "Bestechung", "corruption"),
    e("cohecho", "corruption d'agent public", "Bestechlichkeit", "bribery"),
    e(
        "organización criminal",
        "association de malfaiteurs",
        "Bildung einer kriminellen Vereinigung",
        "participation in a criminal organisation",
    ),
    e("terrorismo", "terrorisme", "Terrorismus", "terrorism"),
    e("asesinato", "assassinat", "Mord", "murder", de_gen="Mordes"),
    e("homicidio", "homicide", "Totschlag", "manslaughter", de_gen="Totschlags"),
    e(
        "lesiones graves",
        "violences aggravées",
        "schwere Körperverletzung",
        "grievous bodily harm",
        de_gen="schwerer Körperverletzung",
    ),
    e("secuestro", "enlèvement", "Entführung", "kidnapping"),
    e("robo con violencia", "vol avec violence", "Raub", "robbery", de_gen="Raubes"),
    e(
        "robo con fuerza",
        "cambriolage",
        "Einbruchdiebstahl",
        "burglary",
        de_gen="Einbruchdiebstahls",
    ),
    e("hurto", "vol", "Diebstahl", "theft", de_gen="Diebstahls"),
    e("extorsión", "extorsion", "Erpressung", "extortion"),
    e(
        "falsificación de documentos",
        "faux et usage de faux",
        "Urkundenfälschung",
        "forgery of documents",
    ),
    e("falsificación de moneda", "fausse monnaie", "Geldfälschung", "counterfeiting of currency"),
    e("fraude fiscal", "fraude fiscale", "Steuerhinterziehung", "tax evasion"),
    e("apropiación indebida", "abus de confiance", "Untreue", "embezzlement"),
    e(
        "estafa informática",
        "escroquerie informatique",
        "Computerbetrug",
        "computer fraud",
        de_gen="Computerbetrugs",
    ),
    e(
        "acceso ilegal a sistemas informáticos",
        "accès frauduleux à un système informatique",
        "Ausspähen von Daten",
        "illegal access to computer systems",
        de_gen="Ausspähens von Daten",
    ),
    e(
        "abuso sexual de menores",
        "agressions sexuelles sur mineurs",
        "sexueller Missbrauch von Kindern",
        "sexual abuse of children",
        de_gen="sexuellen Missbrauchs von Kindern",
    ),
    e("pornografía infantil", "pédopornographie", "Kinderpornografie", "child pornography"),
    e(
        "delito contra el medio ambiente",
        "atteinte à l'environnement",
        "Umweltstraftat",
        "environmental crime",
    ),
    e(
        "favorecimiento de la inmigración ilegal",
        "aide à l'entrée et au séjour irréguliers",
        "Einschleusen von Ausländern",
        "facilitation of illegal immigration",
        de_gen="Einschleusens von Ausländern",
    ),
    e("incendio", "incendie volontaire", "Brandstiftung", "arson"),
    e(
        "tráfico de vehículos robados",
        "trafic de véhicules volés",
        "Handel mit gestohlenen Fahrzeugen",
        "trafficking in stolen vehicles",
        de_gen="Handels mit gestohlenen Fahrzeugen",
    ),
    e("violación", "viol", "Vergewaltigung", "rape"),
    e("receptación", "recel", "Hehlerei", "handling stolen goods"),
]

# Measures requested. All German forms are feminine, so nominative = accusative.
MEASURES: list[Entry] = [
    e(
        "la audición de {person} en calidad de testigo",
        "l'audition de {person} en qualité de témoin",
        "die Vernehmung von {person:obl} als Zeuge",
        "the hearing of {person} as a witness",
    ),
    e(
        "el registro del domicilio de {person}",
        "la perquisition du domicile de {person}",
        "die Durchsuchung der Wohnung von {person:obl}",
        "the search of the home of {person}",
    ),
    e(
        "el embargo preventivo de la cuenta {iban}",
        "la saisie conservatoire du compte {iban}",
        "die vorläufige Sicherstellung des Kontos {iban}",
        "the provisional seizure of account {iban}",
    ),
    e(
        "la obtención de los extractos bancarios de la cuenta {iban}",
        "l'obtention des relevés bancaires du compte {iban}",
        "die Herausgabe der Kontoauszüge des Kontos {iban}",
        "the production of the bank statements of account {iban}",
    ),
    e(
        "la identificación del titular del número de teléfono {phone}",
        "l'identification du titulaire du numéro de téléphone {phone}",
        "die Identifizierung des Anschlussinhabers der Telefonnummer {phone}",
        "the identification of the subscriber of telephone number {phone}",
    ),
    e(
        "la identificación del usuario de la dirección IP {ip}",
        "l'identification de l'utilisateur de l'adresse IP {ip}",
        "die Identifizierung des Nutzers der IP-Adresse {ip}",
        "the identification of the user of IP address {ip}",
    ),
    e(
        "la intervención de las comunicaciones de {person}",
        "l'interception des télécommunications de {person}",
        "die Überwachung der Telekommunikation von {person:obl}",
        "the interception of the telecommunications of {person}",
    ),
    e(
        "la entrega de los datos de tráfico y de localización",
        "la communication des données de trafic et de localisation",
        "die Herausgabe der Verkehrs- und Standortdaten",
        "the disclosure of traffic and location data",
    ),
    e(
        "la notificación de documentos a {person}",
        "la notification de documents à {person}",
        "die Zustellung von Schriftstücken an {person:obl}",
        "the service of documents on {person}",
    ),
    e(
        "la audición por videoconferencia de {person}",
        "l'audition par vidéoconférence de {person}",
        "die Vernehmung von {person:obl} per Videokonferenz",
        "the hearing of {person} by videoconference",
    ),
    e(
        "el decomiso de los bienes de {person}",
        "la confiscation des biens de {person}",
        "die Einziehung des Vermögens von {person:obl}",
        "the confiscation of the assets of {person}",
    ),
    e(
        "una entrega vigilada",
        "une livraison surveillée",
        "eine kontrollierte Lieferung",
        "a controlled delivery",
    ),
    e(
        "la creación de un equipo conjunto de investigación",
        "la création d'une équipe commune d'enquête",
        "die Bildung einer gemeinsamen Ermittlungsgruppe",
        "the setting up of a joint investigation team",
    ),
    e(
        "la declaración de {person} en calidad de investigado",
        "l'interrogatoire de {person} en qualité de suspect",
        "die Vernehmung von {person:obl} als Beschuldigter",
        "the questioning of {person} as a suspect",
    ),
    e(
        "la información sobre las cuentas bancarias de {company}",
        "la communication d'informations sur les comptes bancaires de {company}",
        "die Erteilung von Auskünften über die Bankkonten der Firma {company}",
        "information on the bank accounts of {company}",
    ),
    e(
        "la incautación del vehículo con matrícula {plate}",
        "la saisie du véhicule immatriculé {plate}",
        "die Beschlagnahme des Fahrzeugs mit dem Kennzeichen {plate}",
        "the seizure of the vehicle with registration number {plate}",
    ),
    e(
        "la toma de una muestra de ADN de {person}",
        "le prélèvement d'un échantillon d'ADN sur {person}",
        "die Entnahme einer DNA-Probe bei {person:obl}",
        "the taking of a DNA sample from {person}",
    ),
    e(
        "el traslado temporal de {person}",
        "le transfèrement temporaire de {person}",
        "die zeitweilige Überstellung von {person:obl}",
        "the temporary transfer of {person}",
    ),
    e(
        "la entrega de los registros de la empresa {company}",
        "la remise des documents comptables de la société {company}",
        "die Herausgabe der Geschäftsunterlagen der Firma {company}",
        "the production of the business records of the company {company}",
    ),
    e(
        "la inspección del contenido del teléfono móvil incautado",
        "l'exploitation du contenu du téléphone portable saisi",
        "die Auswertung des Inhalts des sichergestellten Mobiltelefons",
        "the examination of the contents of the seized mobile phone",
    ),
    e(
        "la conservación rápida de los datos informáticos",
        "la conservation rapide des données informatiques",
        "die umgehende Sicherung der Computerdaten",
        "the expedited preservation of computer data",
    ),
]

COUNTRIES: list[Entry] = [
    e(
        "España",
        "l'Espagne",
        "Spanien",
        "Spain",
        fr_in="en Espagne",
        de_in="in Spanien",
        en_in="in Spain",
    ),
    e(
        "Francia",
        "la France",
        "Frankreich",
        "France",
        fr_in="en France",
        de_in="in Frankreich",
        en_in="in France",
    ),
    e(
        "Alemania",
        "l'Allemagne",
        "Deutschland",
        "Germany",
        fr_in="en Allemagne",
        de_in="in Deutschland",
        en_in="in Germany",
    ),
    e(
        "Suiza",
        "la Suisse",
        "die Schweiz",
        "Switzerland",
        fr_in="en Suisse",
        de_in="in der Schweiz",
        en_in="in Switzerland",
    ),
    e(
        "Italia",
        "l'Italie",
        "Italien",
        "Italy",
        fr_in="en Italie",
        de_in="in Italien",
        en_in="in Italy",
    ),
    e(
        "Portugal",
        "le Portugal",
        "Portugal",
        "Portugal",
        fr_in="au Portugal",
        de_in="in Portugal",
        en_in="in Portugal",
    ),
    e(
        "los Países Bajos",
        "les Pays-Bas",
        "die Niederlande",
        "the Netherlands",
        fr_in="aux Pays-Bas",
        de_in="in den Niederlanden",
        en_in="in the Netherlands",
    ),
    e(
        "Bélgica",
        "la Belgique",
        "Belgien",
        "Belgium",
        fr_in="en Belgique",
        de_in="in Belgien",
        en_in="in Belgium",
    ),
    e(
        "Austria",
        "l'Autriche",
        "Österreich",
        "Austria",
        fr_in="en Autriche",
        de_in="in Österreich",
        en_in="in Austria",
    ),
    e(
        "el Reino Unido",
        "le Royaume-Uni",
        "das Vereinigte Königreich",
        "the United Kingdom",
        fr_in="au Royaume-Uni",
        de_in="im Vereinigten Königreich",
        en_in="in the United Kingdom",
    ),
    e(
        "Polonia",
        "la Pologne",
        "Polen",
        "Poland",
        fr_in="en Pologne",
        de_in="in Polen",
        en_in="in Poland",
    ),
    e(
        "Rumanía",
        "la Roumanie",
        "Rumänien",
        "Romania",
        fr_in="en Roumanie",
        de_in="in Rumänien",
        en_in="in Romania",
    ),
    e(
        "Marruecos",
        "le Maroc",
        "Marokko",
        "Morocco",
        fr_in="au Maroc",
        de_in="in Marokko",
        en_in="in Morocco",
    ),
    e(
        "Colombia",
        "la Colombie",
        "Kolumbien",
        "Colombia",
        fr_in="en Colombie",
        de_in="in Kolumbien",
        en_in="in Colombia",
    ),
    e(
        "México",
        "le Mexique",
        "Mexiko",
        "Mexico",
        fr_in="au Mexique",
        de_in="in Mexiko",
        en_in="in Mexico",
    ),
    e(
        "Luxemburgo",
        "le Luxembourg",
        "Luxemburg",
        "Luxembourg",
        fr_in="au Luxembourg",
        de_in="in Luxemburg",
        en_in="in Luxembourg",
    ),
    e(
        "Chipre",
        "Chypre",
        "Zypern",
        "Cyprus",
        fr_in="à Chypre",
        de_in="in Zypern",
        en_in="in Cyprus",
    ),
]
# German direction forms: "nach Spanien" but "in die Schweiz", "aus den Niederlanden".
_DE_ARTICLE_FORMS = {
    "die Schweiz": ("in die Schweiz", "aus der Schweiz"),
    "die Niederlande": ("in die Niederlande", "aus den Niederlanden"),
    "das Vereinigte Königreich": ("in das Vereinigte Königreich", "aus dem Vereinigten Königreich"),
}
for _c in COUNTRIES:
    _c["es.in"] = "en " + _c["es"]
    _to, _from = _DE_ARTICLE_FORMS.get(_c["de"], ("nach " + _c["de"], "aus " + _c["de"]))
    _c["de.to"], _c["de.from"] = _to, _from

NATIONALITIES: list[Entry] = [
    e("española", "espagnole", "spanische", "Spanish"),
    e("francesa", "française", "französische", "French"),
    e("alemana", "allemande", "deutsche", "German"),
    e("suiza", "suisse", "schweizerische", "Swiss"),
    e("italiana", "italienne", "italienische", "Italian"),
    e("portuguesa", "portugaise", "portugiesische", "Portuguese"),
    e("neerlandesa", "néerlandaise", "niederländische", "Dutch"),
    e("belga", "belge", "belgische", "Belgian"),
    e("austriaca", "autrichienne", "österreichische", "Austrian"),
    e("británica", "britannique", "britische", "British"),
    e("polaca", "polonaise", "polnische", "Polish"),
    e("rumana", "roumaine", "rumänische", "Romanian"),
    e("marroquí", "marocaine", "marokkanische", "Moroccan"),
    e("colombiana", "colombienne", "kolumbianische", "Colombian"),
    e("albanesa", "albanaise", "albanische", "Albanian"),
    e("ucraniana", "ukrainienne", "ukrainische", "Ukrainian"),
]

# Cities with exonyms: the model should translate "Ginebra" to "Geneva", not copy it.
CITIES: list[Entry] = [
    e("Madrid", "Madrid", "Madrid", "Madrid"),
    e("Barcelona", "Barcelone", "Barcelona", "Barcelona"),
    e("Sevilla", "Séville", "Sevilla", "Seville"),
    e("Valencia", "Valence", "Valencia", "Valencia"),
    e("Alicante", "Alicante", "Alicante", "Alicante"),
    e("Málaga", "Malaga", "Málaga", "Malaga"),
    e("París", "Paris", "Paris", "Paris"),
    e("Lyon", "Lyon", "Lyon", "Lyon"),
    e("Marsella", "Marseille", "Marseille", "Marseille"),
    e("Burdeos", "Bordeaux", "Bordeaux", "Bordeaux"),
    e("Estrasburgo", "Strasbourg", "Straßburg", "Strasbourg"),
    e("Berlín", "Berlin", "Berlin", "Berlin"),
    e("Fráncfort", "Francfort", "Frankfurt am Main", "Frankfurt am Main"),
    e("Hamburgo", "Hambourg", "Hamburg", "Hamburg"),
    e("Múnich", "Munich", "München", "Munich"),
    e("Colonia", "Cologne", "Köln", "Cologne"),
    e("Ginebra", "Genève", "Genf", "Geneva"),
    e("Zúrich", "Zurich", "Zürich", "Zurich"),
    e("Berna", "Berne", "Bern", "Bern"),
    e("Viena", "Vienne", "Wien", "Vienna"),
    e("Bruselas", "Bruxelles", "Brüssel", "Brussels"),
    e("La Haya", "La Haye", "Den Haag", "The Hague"),
    e("Ámsterdam", "Amsterdam", "Amsterdam", "Amsterdam"),
    e("Lisboa", "Lisbonne", "Lissabon", "Lisbon"),
    e("Roma", "Rome", "Rom", "Rome"),
    e("Milán", "Milan", "Mailand", "Milan"),
    e("Varsovia", "Varsovie", "Warschau", "Warsaw"),
    e("Bucarest", "Bucarest", "Bukarest", "Bucharest"),
    e("Luxemburgo", "Luxembourg", "Luxemburg", "Luxembourg"),
    e("Atenas", "Athènes", "Athen", "Athens"),
]

# Reasons for urgency: German in subordinate-clause order (after "weil").
REASONS: list[Entry] = [
    e(
        "el investigado se encuentra en prisión provisional",
        "le suspect est en détention provisoire",
        "der Beschuldigte sich in Untersuchungshaft befindet",
        "the suspect is in pre-trial detention",
    ),
    e(
        "los datos solo se conservan durante un tiempo limitado",
        "les données ne sont conservées que pendant une durée limitée",
        "die Daten nur für eine begrenzte Zeit gespeichert werden",
        "the data are only kept for a limited time",
    ),
    e(
        "existe riesgo de que los fondos sean transferidos",
        "il existe un risque que les fonds soient transférés",
        "die Gefahr besteht, dass die Gelder überwiesen werden",
        "there is a risk that the funds will be transferred",
    ),
    e(
        "el juicio oral está próximo",
        "l'audience de jugement est imminente",
        "die Hauptverhandlung bevorsteht",
        "the trial is imminent",
    ),
    e(
        "el plazo de prescripción vence en breve",
        "le délai de prescription expire prochainement",
        "die Verjährungsfrist bald abläuft",
        "the limitation period expires shortly",
    ),
    e(
        "existe riesgo de fuga",
        "il existe un risque de fuite",
        "Fluchtgefahr besteht",
        "there is a risk of flight",
    ),
    e(
        "las víctimas son menores de edad",
        "les victimes sont mineures",
        "die Opfer minderjährig sind",
        "the victims are minors",
    ),
]

DOCUMENTS: list[Entry] = [
    e(
        "una copia certificada de la orden de detención",
        "une copie certifiée du mandat d'arrêt",
        "eine beglaubigte Abschrift des Haftbefehls",
        "a certified copy of the arrest warrant",
    ),
    e(
        "el texto de las disposiciones legales aplicables",
        "le texte des dispositions légales applicables",
        "der Wortlaut der anwendbaren Rechtsvorschriften",
        "the text of the applicable legal provisions",
        de_acc="den Wortlaut der anwendbaren Rechtsvorschriften",
    ),
    e(
        "una fotografía de la persona reclamada",
        "une photographie de la personne recherchée",
        "ein Lichtbild der gesuchten Person",
        "a photograph of the person sought",
    ),
    e(
        "las huellas dactilares de la persona reclamada",
        "les empreintes digitales de la personne recherchée",
        "die Fingerabdrücke der gesuchten Person",
        "the fingerprints of the person sought",
    ),
    e(
        "una traducción de la solicitud",
        "une traduction de la demande",
        "eine Übersetzung des Ersuchens",
        "a translation of the request",
    ),
    e(
        "el auto de procesamiento",
        "l'ordonnance de mise en accusation",
        "die Anklageschrift",
        "the indictment",
    ),
    e(
        "la sentencia condenatoria firme",
        "le jugement de condamnation définitif",
        "das rechtskräftige Strafurteil",
        "the final judgment of conviction",
    ),
    e(
        "un resumen de los hechos",
        "un résumé des faits",
        "eine Zusammenfassung des Sachverhalts",
        "a summary of the facts",
    ),
    e(
        "la lista de preguntas para el testigo",
        "la liste des questions à poser au témoin",
        "der Fragenkatalog für den Zeugen",
        "the list of questions for the witness",
        de_acc="den Fragenkatalog für den Zeugen",
    ),
]

FORMALITIES: list[Entry] = [
    e(
        "la presencia de un abogado",
        "la présence d'un avocat",
        "die Anwesenheit eines Rechtsanwalts",
        "the presence of a lawyer",
    ),
    e(
        "la información de derechos al investigado",
        "la notification de ses droits au suspect",
        "die Belehrung des Beschuldigten über seine Rechte",
        "informing the suspect of his rights",
    ),
    e(
        "la grabación de la declaración",
        "l'enregistrement de l'audition",
        "die Aufzeichnung der Vernehmung",
        "the recording of the hearing",
    ),
    e(
        "la firma del acta por el testigo",
        "la signature du procès-verbal par le témoin",
        "die Unterzeichnung des Protokolls durch den Zeugen",
        "the signing of the record by the witness",
    ),
    e(
        "la presencia de los investigadores del Estado requirente",
        "la présence des enquêteurs de l'État requérant",
        "die Anwesenheit der Ermittler des ersuchenden Staates",
        "the presence of investigators from the requesting State",
    ),
    e(
        "la asistencia de un intérprete",
        "l'assistance d'un interprète",
        "die Hinzuziehung eines Dolmetschers",
        "the assistance of an interpreter",
    ),
]

DRUGS: list[Entry] = [
    e("cocaína", "cocaïne", "Kokain", "cocaine"),
    e("heroína", "héroïne", "Heroin", "heroin"),
    e("resina de cannabis", "résine de cannabis", "Cannabisharz", "cannabis resin"),
    e("anfetamina", "amphétamine", "Amphetamin", "amphetamine"),
    e("metanfetamina", "méthamphétamine", "Methamphetamin", "methamphetamine"),
]

MONTHS: list[Entry] = [
    e("enero", "janvier", "Januar", "January"),
    e("febrero", "février", "Februar", "February"),
    e("marzo", "mars", "März", "March"),
    e("abril", "avril", "April", "April"),
    e("mayo", "mai", "Mai", "May"),
    e("junio", "juin", "Juni", "June"),
    e("julio", "juillet", "Juli", "July"),
    e("agosto", "août", "August", "August"),
    e("septiembre", "septembre", "September", "September"),
    e("octubre", "octobre", "Oktober", "October"),
    e("noviembre", "novembre", "November", "November"),
    e("diciembre", "décembre", "Dezember", "December"),
]

ROLES: list[Entry] = [
    e("Magistrado-Juez", "juge d'instruction", "Richter am Amtsgericht", "judge"),
    e("Fiscal", "procureur de la République", "Staatsanwalt", "public prosecutor"),
    e(
        "Letrado de la Administración de Justicia",
        "greffier",
        "Urkundsbeamter der Geschäftsstelle",
        "court clerk",
    ),
    e("Jefe de servicio", "chef de service", "Referatsleiter", "head of unit"),
    e("Fiscal Jefe", "procureur général", "Leitender Oberstaatsanwalt", "chief prosecutor"),
]

BANKS: dict[str, list[Entry]] = {
    "auth": AUTHORITIES,
    "conv": CONVENTIONS,
    "off": OFFENCES,
    "meas": MEASURES,
    "country": COUNTRIES,
    "nat": NATIONALITIES,
    "city": CITIES,
    "reason": REASONS,
    "doc": DOCUMENTS,
    "form": FORMALITIES,
    "drug": DRUGS,
    "month": MONTHS,
    "role": ROLES,
}
