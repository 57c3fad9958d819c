"""Template grammars for the synthetic multilingual corpus.

Four languages (en, de, es, fr) x three domains (numbers, commands, medical).
Every template is a 4-tuple (en, de, es, fr); slots are named {x}; slot value lists are
lists of 4-tuples in the same order (or callables producing language-independent strings such as
digits). The English column is the translation target of every sentence.
"""

import random

LANGS = ["en", "de", "es", "fr"]
DOMAINS = ["numbers", "commands", "medical"]
LI = {l: i for i, l in enumerate(LANGS)}


def _num(lo, hi):
    return lambda rng: str(rng.randint(lo, hi))


def _digits(rng):
    return " ".join(str(rng.randint(0, 9)) for _ in range(4))


# ---------------------------------------------------------------- numbers
NUM_SLOTS = {
    "N": _num(2, 999),
    "M": _num(2, 20),
    "H": _num(2, 12),
    "P": _num(2, 99),
    "D": _digits,
    "items": [
        ("boxes", "Kisten", "cajas", "boîtes"),
        ("bottles", "Flaschen", "botellas", "bouteilles"),
        ("chairs", "Stühle", "sillas", "chaises"),
        ("tickets", "Fahrkarten", "billetes", "billets"),
        ("kilograms of rice", "Kilogramm Reis", "kilos de arroz", "kilos de riz"),
        ("liters of milk", "Liter Milch", "litros de leche", "litres de lait"),
    ],
    "cur": [
        ("euros", "Euro", "euros", "euros"),
        ("dollars", "Dollar", "dólares", "dollars"),
    ],
    "day": [
        ("on Monday", "am Montag", "el lunes", "lundi"),
        ("on Friday", "am Freitag", "el viernes", "vendredi"),
        ("tomorrow", "morgen", "mañana", "demain"),
        ("next week", "nächste Woche", "la próxima semana", "la semaine prochaine"),
    ],
}
NUM_TEMPLATES = [
    ("Please order {N} {items}.", "Bitte bestelle {N} {items}.", "Por favor, pide {N} {items}.", "Veuillez commander {N} {items}."),
    ("The total is {N} {cur}.", "Der Gesamtbetrag ist {N} {cur}.", "El total es {N} {cur}.", "Le total est de {N} {cur}."),
    ("The temperature is {P} degrees.", "Die Temperatur beträgt {P} Grad.", "La temperatura es de {P} grados.", "La température est de {P} degrés."),
    ("Room {N} is on floor {M}.", "Raum {N} liegt im Stockwerk {M}.", "La sala {N} está en la planta {M}.", "La salle {N} est à l'étage {M}."),
    ("The train leaves at {H} o'clock.", "Der Zug fährt um {H} Uhr ab.", "El tren sale a las {H}.", "Le train part à {H} heures."),
    ("Add {N} and {P}.", "Addiere {N} und {P}.", "Suma {N} y {P}.", "Additionne {N} et {P}."),
    ("My code is {D}.", "Mein Code ist {D}.", "Mi código es {D}.", "Mon code est {D}."),
    ("We spent {P} percent of the budget.", "Wir haben {P} Prozent des Budgets ausgegeben.", "Gastamos el {P} por ciento del presupuesto.", "Nous avons dépensé {P} pour cent du budget."),
    ("We need {N} {items} {day}.", "Wir brauchen {day} {N} {items}.", "Necesitamos {N} {items} {day}.", "Il nous faut {N} {items} {day}."),
]

# ---------------------------------------------------------------- commands
CMD_SLOTS = {
    "dev": [
        ("the light", "das Licht", "la luz", "la lumière"),
        ("the television", "den Fernseher", "el televisor", "la télévision"),
        ("the heating", "die Heizung", "la calefacción", "le chauffage"),
        ("the fan", "den Ventilator", "el ventilador", "le ventilateur"),
        ("the lamp", "die Lampe", "la lámpara", "la lampe"),
        ("the radio", "das Radio", "la radio", "la radio"),
    ],
    "room": [
        ("in the kitchen", "in der Küche", "en la cocina", "dans la cuisine"),
        ("in the living room", "im Wohnzimmer", "en la sala", "dans le salon"),
        ("in the bedroom", "im Schlafzimmer", "en el dormitorio", "dans la chambre"),
        ("in the bathroom", "im Badezimmer", "en el baño", "dans la salle de bain"),
        ("in the garage", "in der Garage", "en el garaje", "dans le garage"),
        ("in the office", "im Büro", "en la oficina", "dans le bureau"),
    ],
    "opening": [
        ("the window", "das Fenster", "la ventana", "la fenêtre"),
        ("the door", "die Tür", "la puerta", "la porte"),
        ("the garage door", "das Garagentor", "la puerta del garaje", "la porte du garage"),
        ("the curtains", "die Vorhänge", "las cortinas", "les rideaux"),
    ],
    "music": [
        ("some jazz", "etwas Jazz", "un poco de jazz", "du jazz"),
        ("the news", "die Nachrichten", "las noticias", "les informations"),
        ("my playlist", "meine Playlist", "mi lista de reproducción", "ma liste de lecture"),
        ("classical music", "klassische Musik", "música clásica", "de la musique classique"),
    ],
    "please": [
        ("", "", "", ""),
        (", please", ", bitte", ", por favor", ", s'il te plaît"),
    ],
}
CMD_TEMPLATES = [
    ("Turn on {dev} {room}{please}.", "Schalte {dev} {room} ein{please}.", "Enciende {dev} {room}{please}.", "Allume {dev} {room}{please}."),
    ("Turn off {dev} {room}{please}.", "Schalte {dev} {room} aus{please}.", "Apaga {dev} {room}{please}.", "Éteins {dev} {room}{please}."),
    ("Open {opening}{please}.", "Öffne {opening}{please}.", "Abre {opening}{please}.", "Ouvre {opening}{please}."),
    ("Close {opening} {room}.", "Schließe {opening} {room}.", "Cierra {opening} {room}.", "Ferme {opening} {room}."),
    ("Play {music} {room}.", "Spiele {music} {room}.", "Pon {music} {room}.", "Mets {music} {room}."),
    ("Lock the front door and arm the alarm.", "Schließe die Haustür ab und aktiviere den Alarm.", "Cierra la puerta principal y activa la alarma.", "Verrouille la porte d'entrée et active l'alarme."),
    ("Stop the music{please}.", "Stoppe die Musik{please}.", "Detén la música{please}.", "Arrête la musique{please}."),
    ("Turn up the volume{please}.", "Mach die Musik lauter{please}.", "Sube el volumen{please}.", "Monte le volume{please}."),
]

# ---------------------------------------------------------------- medical
MED_SLOTS = {
    "symptom": [
        ("a high fever", "hohes Fieber", "fiebre alta", "une forte fièvre"),
        ("a severe headache", "starke Kopfschmerzen", "un fuerte dolor de cabeza", "un violent mal de tête"),
        ("chest pain", "Brustschmerzen", "dolor en el pecho", "une douleur thoracique"),
        ("a persistent cough", "einen anhaltenden Husten", "una tos persistente", "une toux persistante"),
        ("high blood pressure", "Bluthochdruck", "hipertensión arterial", "une hypertension artérielle"),
        ("diabetes", "Diabetes", "diabetes", "du diabète"),
        ("an allergic reaction", "eine allergische Reaktion", "una reacción alérgica", "une réaction allergique"),
        ("shortness of breath", "Atemnot", "dificultad para respirar", "un essoufflement"),
    ],
    "drug": [
        ("ibuprofen", "Ibuprofen", "ibuprofeno", "de l'ibuprofène"),
        ("amoxicillin", "Amoxicillin", "amoxicilina", "de l'amoxicilline"),
        ("paracetamol", "Paracetamol", "paracetamol", "du paracétamol"),
        ("insulin", "Insulin", "insulina", "de l'insuline"),
        ("an antibiotic", "ein Antibiotikum", "un antibiótico", "un antibiotique"),
    ],
    "freq": [
        ("twice a day", "zweimal täglich", "dos veces al día", "deux fois par jour"),
        ("once a day", "einmal täglich", "una vez al día", "une fois par jour"),
        ("every eight hours", "alle acht Stunden", "cada ocho horas", "toutes les huit heures"),
        ("before meals", "vor den Mahlzeiten", "antes de las comidas", "avant les repas"),
    ],
    "exam": [
        ("a blood test", "einen Bluttest", "un análisis de sangre", "une prise de sang"),
        ("an X-ray", "eine Röntgenaufnahme", "una radiografía", "une radiographie"),
        ("an ultrasound", "einen Ultraschall", "una ecografía", "une échographie"),
        ("an electrocardiogram", "ein Elektrokardiogramm", "un electrocardiograma", "un électrocardiogramme"),
        ("a biopsy", "eine Biopsie", "una biopsia", "une biopsie"),
    ],
    "when": [
        ("yesterday", "gestern", "ayer", "hier"),
        ("three days ago", "vor drei Tagen", "hace tres días", "il y a trois jours"),
        ("last week", "letzte Woche", "la semana pasada", "la semaine dernière"),
        ("this morning", "heute Morgen", "esta mañana", "ce matin"),
    ],
    "allergen": [
        ("penicillin", "Penicillin", "a la penicilina", "à la pénicilline"),
        ("peanuts", "Erdnüsse", "a los cacahuetes", "à l'arachide"),
        ("latex", "Latex", "al látex", "au latex"),
        ("aspirin", "Aspirin", "a la aspirina", "à l'aspirine"),
    ],
}
MED_TEMPLATES = [
    ("The patient has {symptom}.", "Der Patient hat {symptom}.", "El paciente tiene {symptom}.", "Le patient a {symptom}."),
    ("Prescribe {drug} {freq}.", "Verschreiben Sie {drug} {freq}.", "Recete {drug} {freq}.", "Prescrivez {drug} {freq}."),
    ("The doctor recommends {exam}.", "Der Arzt empfiehlt {exam}.", "El médico recomienda {exam}.", "Le médecin recommande {exam}."),
    ("The symptoms started {when}.", "Die Symptome begannen {when}.", "Los síntomas empezaron {when}.", "Les symptômes ont commencé {when}."),
    ("The patient is allergic to {allergen}.", "Der Patient ist allergisch gegen {allergen}.", "El paciente es alérgico {allergen}.", "Le patient est allergique {allergen}."),
    ("The patient has {symptom} since {when2}.", "Der Patient hat seit {when2} {symptom}.", "El paciente tiene {symptom} desde {when2}.", "Le patient a {symptom} depuis {when2}."),
    ("Take {drug} {freq} after the surgery.", "Nehmen Sie nach der Operation {drug} {freq}.", "Tome {drug} {freq} después de la cirugía.", "Prenez {drug} {freq} après l'opération."),
]
MED_SLOTS["when2"] = [
    ("yesterday", "gestern", "ayer", "hier"),
    ("Monday", "Montag", "el lunes", "lundi"),
    ("last week", "letzter Woche", "la semana pasada", "la semaine dernière"),
]

GRAMMAR = {
    "numbers": (NUM_TEMPLATES, NUM_SLOTS),
    "commands": (CMD_TEMPLATES, CMD_SLOTS),
    "medical": (MED_TEMPLATES, MED_SLOTS),
}


def _fix_fr(s):
    # French elision produced by templates ("de l'..." etc. are already in slot values).
    return s.replace(" de de ", " de ").replace("est de de", "est de")


def sample_sentence(rng: random.Random, lang: str, domain: str):
    """Return (text in `lang`, English translation)."""
    templates, slots = GRAMMAR[domain]
    t = rng.choice(templates)
    fills = {}
    for name in slots:
        if "{" + name + "}" not in t[0]:
            continue
        v = slots[name]
        fills[name] = v(rng) if callable(v) else rng.choice(v)

    def render(i):
        s = t[i]
        for k, v in fills.items():
            s = s.replace("{" + k + "}", v if isinstance(v, str) else v[i])
        s = " ".join(s.split()).replace(" ,", ",").replace(" .", ".")
        s = s[0].upper() + s[1:]
        return _fix_fr(s) if i == 3 else s

    return render(LI[lang]), render(0)
