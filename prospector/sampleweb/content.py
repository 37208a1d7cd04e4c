"""Vocabularies for the sample web: names, sentences, titles.

Everything here is fixed data; choice among it happens through a seeded
`random.Random` handed in by the caller, so the same seed yields the same web.
Off-topic vocabularies must never contain a beekeeping term: the search tests
rely on off-topic pages not matching niche queries.
"""

from __future__ import annotations

import random

KEYWORD = "beekeeping"

FIRST_NAMES: tuple[str, ...] = (
    "Jane", "Tom", "Maria", "Ahmed", "Lena", "Oskar", "Priya", "Hugh", "Greta", "Samuel",
    "Nadia", "Felix", "Ruth", "Colin", "Ines", "Bram", "Tove", "Wes", "Iris", "Dale",
    "Marta", "Kofi", "Elsie", "Rafael", "Agnes", "Pavel", "Sunita", "Gareth", "Lotte", "Abel",
)
LAST_NAMES: tuple[str, ...] = (
    "Hollis", "Marsh", "Okafor", "Lindqvist", "Brandt", "Castell", "Ferris", "Nakamura",
    "Pryce", "Dunmore", "Whitlock", "Varga", "Ashby", "Quinlan", "Moreau", "Tennant",
    "Kowalski", "Ellery", "Basset", "Rowan",
)

# Parts of niche site names; every combination reads as a beekeeping site.
BEE_WORDS: tuple[str, ...] = (
    "honey", "hive", "apiary", "comb", "nectar", "pollen", "swarm", "queen", "drone",
    "wax", "brood", "bee", "skep", "frame", "smoker", "meadow",
)
FORUM_WORDS: tuple[str, ...] = ("forum", "talk", "board", "keepers", "exchange", "community")
BLOG_WORDS: tuple[str, ...] = ("notes", "diary", "journal", "blog", "corner", "yard", "days")
SHOP_WORDS: tuple[str, ...] = ("supply", "store", "outfitters", "works", "gear", "depot")

BEE_SENTENCES: tuple[str, ...] = (
    "Our beekeeping season started with a slow spring build-up in the home apiary.",
    "The colony in hive three has filled nine frames with capped brood.",
    "Varroa counts after the sugar roll were higher than we hoped.",
    "We added a second honey super once the nectar flow from the lime trees began.",
    "A calm queen and a gentle smoker make inspections far easier for beginners.",
    "Swarm cells appeared on the bottom bars, so we made an artificial swarm.",
    "Extracting the summer honey took two long evenings and a borrowed spinner.",
    "Oxalic acid treatment in the broodless period keeps mite levels low.",
    "New beekeepers should join a local association and find a mentor.",
    "Foundationless frames let the bees draw natural comb at their own pace.",
    "The drone brood was removed to break the mite reproduction cycle.",
    "Our bee suits were washed and checked for holes before the first inspection.",
    "Feeding thick syrup in autumn helps a light colony reach winter weight.",
    "Pollen patties gave the nucleus colony a useful boost in early spring.",
    "We wrapped the hives and fitted mouse guards before the first frost.",
    "Rendering old comb into clean beeswax is a messy but satisfying job.",
    "The queen excluder kept the brood nest out of the honey supers this year.",
    "Reading a frame of brood tells you most of what you need to know about a hive.",
    "Heather honey has to be pressed because it will not spin out of the comb.",
    "Top bar hives suit beekeepers who prefer light, frequent inspections.",
    "Record cards for each hive make spring planning much simpler.",
    "Our apiary site gets morning sun and shelter from the north wind.",
    "A good veil and gloves give beginners the confidence to handle frames slowly.",
    "Requeening an aggressive colony changed its temper within six weeks.",
)
FORUM_NAMES: tuple[str, ...] = (
    "Beginners' Corner", "Hive Management", "Pests and Diseases", "Honey and Wax",
    "Queen Rearing", "Equipment and Hive Types", "Local Associations", "Off Topic Chat",
)
THREAD_TITLES: tuple[str, ...] = (
    "First inspection of the year - what to look for?",
    "Mite drop after oxalic treatment",
    "Which bee suit do you recommend for summer?",
    "Swarm caught in the garden hedge",
    "National vs Langstroth for a new apiary",
    "How much honey to leave for winter",
    "Queenless colony, what now?",
    "Best way to render old wax",
    "Polystyrene hives: worth it?",
    "Photos from our association open day",
)
POST_TITLES: tuple[str, ...] = (
    "A quiet week in the apiary",
    "Our first honey harvest",
    "Treating for varroa in winter",
    "Building a top bar hive",
    "Catching a swarm in the orchard",
    "Why we switched to foundationless frames",
    "Spring feeding and pollen patties",
    "Making beeswax candles with the kids",
    "Choosing a bee suit that fits",
    "Notes from the association meeting",
    "Marking the queen without stress",
    "Wintering nucleus colonies",
)
PRODUCTS: tuple[tuple[str, str], ...] = (
    ("National Hive Complete", "189.00"),
    ("Langstroth Deep Hive Body", "64.50"),
    ("Ventilated Bee Suit", "98.00"),
    ("Fencing Veil Jacket", "54.00"),
    ("Goatskin Beekeeping Gloves", "18.95"),
    ("Stainless Steel Smoker", "32.00"),
    ("Queen Excluder", "11.40"),
    ("Hive Tool Pro", "9.90"),
)

# Off-topic vocabularies: recipes, engines, bicycles, cameras.
OFFTOPIC: dict[str, dict[str, tuple[str, ...]]] = {
    "cooking": {
        "names": ("Simmer & Sear", "Weeknight Pot", "Crumb Kitchen", "Salt Pantry"),
        "sentences": (
            "These recipes use one pan and finish in under thirty minutes.",
            "Brown the onions slowly until they turn sweet and golden.",
            "A splash of vinegar lifts a heavy stew at the very end.",
            "Rest the dough overnight in the fridge for a better crumb.",
            "Roast the tomatoes with garlic before blending the soup.",
            "Toast the spices in a dry pan to wake up their flavour.",
        ),
        "titles": ("Lentil soup for busy nights", "Crispy roast potatoes", "Sourdough basics",
                   "Tomato and garlic pasta", "Spiced chickpea stew"),
    },
    "cars": {
        "names": ("Torque Garage", "Piston Talk", "Gearhead Weekly", "Clutch and Cam"),
        "sentences": (
            "The engine idles rough until the coolant reaches temperature.",
            "Swapping the timing belt took a full Saturday in the garage.",
            "Check the tyre pressures before any long motorway drive.",
            "The gearbox whine disappeared after a fresh oil change.",
            "Classic cars need their carburettors balanced every spring.",
            "A torque wrench is the one tool every home mechanic should own.",
        ),
        "titles": ("Timing belt swap walkthrough", "Diagnosing a rough idle",
                   "Winter tyres explained", "Restoring a classic coupe"),
    },
    "cycling": {
        "names": ("Cadence Lane", "Spoke and Saddle", "Gravel Miles"),
        "sentences": (
            "Gravel routes reward wider tyres and lower pressures.",
            "Clean the chain after every wet ride to save the cassette.",
            "A proper bike fit removes most knee pain on long rides.",
            "Mountain passes are easier with a compact crankset.",
        ),
        "titles": ("Gravel route of the month", "Chain care in winter", "Fitting a new saddle"),
    },
    "photography": {
        "names": ("Aperture Street", "Grain and Light", "Shutter Diary"),
        "sentences": (
            "Shoot street scenes at dusk for soft, even light.",
            "A fifty millimetre prime lens teaches careful framing.",
            "Film grain looks best when the negative is exposed generously.",
            "Use a tripod and a remote release for long exposures.",
        ),
        "titles": ("Night photography tips", "Choosing a first prime lens",
                   "Developing film at home"),
    },
}


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def paragraphs(rng: random.Random, pool: tuple[str, ...], n: int, per: int = 3) -> list[str]:
    return [" ".join(rng.sample(pool, per)) for _ in range(n)]


def slugify(text: str) -> str:
    out = []
    for ch in text.lower():
        if ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")
