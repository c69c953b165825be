"""Sentence templates per relation, written for this project.

vp: verb phrases said of the fact's subject ({o} is the object; {pos} the subject's possessive pronoun).
sent: whole sentences with {s} and {o}.
inv: verb phrases said of the fact's *object* ({x} is the subject of the fact), e.g. "founded {x}" for (company, founded by, person).
appo: appositions after a mention of the fact's subject x ({y} is the object) or, with 'rev', of its object.
Kind-specific lists (key 'vp:<kind>') replace the generic list for subjects of that kind.
"""

T = {
    "P19": {
        "vp": ["was born in {o}", "was born in the city of {o}", "came into the world in {o}", "was a native of {o}", "hailed from {o}"],
        "sent": ["{o} is the birthplace of {s}.", "{o} was where {s} was born.", "The birthplace of {s} was {o}."],
    },
    "P20": {
        "vp": ["died in {o}", "passed away in {o}", "spent the last days of {pos} life in {o}", "died in the city of {o}"],
        "sent": ["{o} is the place where {s} died.", "The death of {s} took place in {o}.", "{s} breathed {pos} last in {o}."],
    },
    "P27": {
        "vp": ["was a citizen of {o}", "held citizenship of {o}", "had the citizenship of {o}", "was a national of {o}"],
        "sent": ["{o} counted {s} among its citizens.", "{s} held a passport of {o}.", "The citizenship of {s} was that of {o}."],
    },
    "P106": {
        "vp": ["was {o}", "worked as {o}", "was known as {o}", "made a living as {o}", "earned fame as {o}"],
        "sent": ["By profession, {s} was {o}.", "{s} was by trade {o}.", "{s} had a career as {o}."],
        "appo": [", {y},", ", a well-known {yb},"],
    },
    "P69": {
        "vp": ["studied at {o}", "was educated at {o}", "attended {o}", "graduated from {o}", "went to {o}"],
        "sent": ["{o} is where {s} studied.", "{s} received an education at {o}.", "{o} educated {s}."],
    },
    "P108": {
        "vp": ["worked for {o}", "was employed by {o}", "worked at {o}", "held a position at {o}"],
        "sent": ["{o} employed {s}.", "{s} was on the staff of {o}.", "{s} had a job at {o}."],
    },
    "P26": {
        "vp": ["was married to {o}", "married {o}", "was the spouse of {o}", "wed {o}"],
        "sent": ["{s}'s spouse was {o}.", "{s} took {o} as a spouse.", "The spouse of {s} was {o}."],
    },
    "P101": {
        "vp": ["worked in the field of {o}", "did research in {o}", "specialized in {o}", "made contributions to {o}"],
        "sent": ["{s}'s field of work was {o}.", "{o} was the field in which {s} worked.", "{s} devoted {pos} career to {o}."],
    },
    "P166": {
        "vp": ["received {o}", "was awarded {o}", "won {o}", "was honored with {o}"],
        "sent": ["{o} was awarded to {s}.", "{s} was a recipient of {o}.", "{s} was given {o}."],
    },
    "P800": {
        "vp": ["is known for {o}", "created {o}", "is famous for {o}", "is best known for {o}"],
        "sent": ["{o} is a notable work of {s}.", "Among the works of {s} is {o}.", "{o} is among the best-known works of {s}."],
    },
    "P937": {
        "vp": ["worked in {o}", "lived and worked in {o}", "spent {pos} working life in {o}", "was active in {o}"],
        "sent": ["{s}'s work took place in {o}.", "{o} was where {s} worked.", "{s} did {pos} work in {o}."],
    },
    "P17": {
        "vp": ["is located in {o}", "is in {o}", "lies in {o}", "is situated in {o}"],
        "vp:city": ["is a city in {o}", "is located in {o}", "lies in {o}", "is a large city in {o}", "is situated in {o}"],
        "vp:company": ["is a company from {o}", "is a company in {o}", "is a business from {o}", "is a firm from {o}"],
        "sent": ["{o} is home to {s}.", "{s} is a place in {o}.", "{s} can be found in {o}."],
        "appo": [", a city in {y},", ", a town in {y},", ", in {y},"],
    },
    "P36": {
        "vp": ["has {o} as its capital", "has its capital in {o}", "is governed from {o}", "has its seat of government in {o}"],
        "sent": ["{o} is the capital of {s}.", "The capital of {s} is {o}.", "{o} serves as the capital of {s}.", "{s}'s capital is {o}."],
        "inv": ["is the capital of {x}", "serves as the capital of {x}", "is the capital city of {x}", "has been the capital of {x}"],
        "appo_rev": [", the capital of {y},", ", capital of {y},", ", the capital city of {y},"],
    },
    "P30": {
        "vp": ["is a country in {o}", "is located in {o}", "lies in {o}", "is a nation in {o}"],
        "sent": ["{s} is one of the countries of {o}.", "{o} includes the country of {s}.", "{s} is a country on the continent of {o}."],
        "appo": [", a country in {y},", ", a nation in {y},", ", in {y},"],
    },
    "P37": {
        "vp": ["has {o} as an official language", "uses {o} as an official language", "recognizes {o} as an official language", "has {o} among its official languages"],
        "sent": ["{o} is an official language of {s}.", "In {s}, {o} is an official language.", "{o} is spoken officially in {s}."],
    },
    "P38": {
        "vp": ["uses {o} as its currency", "has {o} as its currency", "pays with {o}", "has adopted {o} as its currency"],
        "sent": ["The currency of {s} is {o}.", "{o} is the currency of {s}.", "In {s}, people pay with {o}."],
    },
    "P131": {
        "vp": ["is located in {o}", "lies in {o}", "is situated in {o}", "is found in {o}"],
        "sent": ["{s} is part of the region of {o}.", "{o} contains {s}.", "{s} is a place within {o}."],
    },
    "P159": {
        "vp": ["is headquartered in {o}", "has its headquarters in {o}", "is based in {o}", "has its main office in {o}"],
        "sent": ["The headquarters of {s} are in {o}.", "{o} is home to the headquarters of {s}.", "{s} runs its business from {o}."],
    },
    "P112": {
        "vp": ["was founded by {o}", "was established by {o}", "was started by {o}", "was set up by {o}"],
        "sent": ["{o} founded {s}.", "{o} is a founder of {s}.", "{o} established {s}."],
        "inv": ["founded {x}", "co-founded {x}", "established {x}", "started {x}"],
    },
    "P50": {
        "vp": ["was written by {o}", "is a book by {o}", "was authored by {o}", "is a work by {o}"],
        "sent": ["{o} wrote {s}.", "{o} is the author of {s}.", "The author of {s} is {o}."],
        "inv": ["wrote {x}", "is the author of {x}", "authored {x}", "penned {x}"],
    },
    "P57": {
        "vp": ["was directed by {o}", "is a film by {o}", "is a movie directed by {o}", "was made by director {o}"],
        "sent": ["{o} directed {s}.", "{o} is the director of {s}.", "The director of {s} was {o}."],
        "inv": ["directed {x}", "made the film {x}", "directed the movie {x}", "was the director of {x}"],
    },
    "P161": {
        "vp": ["stars {o}", "features {o}", "has {o} in its cast", "stars the actor {o}"],
        "sent": ["{o} starred in {s}.", "{o} appeared in {s}.", "{o} played a role in {s}."],
        "inv": ["starred in {x}", "appeared in {x}", "acted in {x}", "played a role in {x}"],
    },
    "P47": {
        "vp": ["borders {o}", "shares a border with {o}", "is a neighbor of {o}", "has a border with {o}"],
        "sent": ["{s} shares a long border with {o}.", "{s} is bordered by {o}.", "{s} lies next to {o}."],
    },
    "P206": {
        "vp": ["lies on {o}", "is located on {o}", "is situated on the banks of {o}", "stands on {o}"],
        "sent": ["{o} flows through {s}.", "{o} runs through {s}.", "{s} was built on {o}."],
    },
    "P403": {
        "vp": ["flows into {o}", "empties into {o}", "drains into {o}", "ends in {o}"],
        "sent": ["The mouth of {s} is in {o}.", "{s} reaches {o} at its mouth.", "{s} finally flows into {o}."],
    },
}
