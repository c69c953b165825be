#!/usr/bin/python3
"""Twenty hand-written sentences that no template produced, with their true facts, as SynthIE gold JSON Lines.

    /usr/bin/python3 models/demo/freeform.py > models/demo/.data/freeform.jsonl

Used by evaluate.sh to report honestly how the demo model does outside its templates (it is expected to do worse).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_data  # noqa: E402
import world_data as W  # noqa: E402

SENTENCES = [
    ("Born in Ulm, Albert Einstein later became a citizen of Switzerland.",
     [("Albert_Einstein", "P19", "Ulm"), ("Albert_Einstein", "P27", "Switzerland")]),
    ("The Seine runs through Paris before reaching the English Channel.",
     [("Paris", "P206", "Seine"), ("Seine", "P403", "English_Channel")]),
    ("Mozart, the famous composer from Salzburg, died in Vienna.",
     [("Wolfgang_Amadeus_Mozart", "P106", "Composer"), ("Wolfgang_Amadeus_Mozart", "P19", "Salzburg"), ("Wolfgang_Amadeus_Mozart", "P20", "Vienna")]),
    ("Apple has its home in Cupertino and was started by Steve Jobs and Steve Wozniak.",
     [("Apple_Inc.", "P159", "Cupertino,_California"), ("Apple_Inc.", "P112", "Steve_Jobs"), ("Apple_Inc.", "P112", "Steve_Wozniak")]),
    ("Tokyo is Japan's capital, and the country pays with the Japanese yen.",
     [("Japan", "P36", "Tokyo"), ("Japan", "P38", "Japanese_yen")]),
    ("After studying at Harvard, Bill Gates went on to create Microsoft.",
     [("Bill_Gates", "P69", "Harvard_University"), ("Microsoft", "P112", "Bill_Gates")]),
    ("Christopher Nolan made Inception with Leonardo DiCaprio in the lead role.",
     [("Inception", "P57", "Christopher_Nolan"), ("Inception", "P161", "Leonardo_DiCaprio")]),
    ("In Warsaw, the capital of Poland, the official language is Polish.",
     [("Poland", "P36", "Warsaw"), ("Poland", "P37", "Polish_language")]),
    ("Frida Kahlo, a painter from Mexico, was the wife of Diego Rivera.",
     [("Frida_Kahlo", "P106", "Painter"), ("Frida_Kahlo", "P27", "Mexico"), ("Frida_Kahlo", "P26", "Diego_Rivera")]),
    ("On the Origin of Species came from the pen of Charles Darwin, who had studied at the University of Cambridge.",
     [("On_the_Origin_of_Species", "P50", "Charles_Darwin"), ("Charles_Darwin", "P69", "University_of_Cambridge")]),
    ("Beethoven's life began in Bonn and ended in Vienna.",
     [("Ludwig_van_Beethoven", "P19", "Bonn"), ("Ludwig_van_Beethoven", "P20", "Vienna")]),
    ("Google keeps its offices in Mountain View; Larry Page and Sergey Brin started the company.",
     [("Google", "P159", "Mountain_View,_California"), ("Google", "P112", "Larry_Page"), ("Google", "P112", "Sergey_Brin")]),
    ("The Danube passes Budapest on its way to the Black Sea.",
     [("Budapest", "P206", "Danube"), ("Danube", "P403", "Black_Sea")]),
    ("Canada, whose capital is Ottawa, uses the Canadian dollar.",
     [("Canada", "P36", "Ottawa"), ("Canada", "P38", "Canadian_dollar")]),
    ("Marie Curie won the Nobel Prize in Chemistry and was married to the physicist Pierre Curie.",
     [("Marie_Curie", "P166", "Nobel_Prize_in_Chemistry"), ("Marie_Curie", "P26", "Pierre_Curie"), ("Pierre_Curie", "P106", "Physicist")]),
    ("Shakespeare, who came from Stratford-upon-Avon, is remembered above all for Hamlet.",
     [("William_Shakespeare", "P19", "Stratford-upon-Avon"), ("William_Shakespeare", "P800", "Hamlet")]),
    ("Angela Merkel, a politician from Hamburg, studied at Leipzig University.",
     [("Angela_Merkel", "P106", "Politician"), ("Angela_Merkel", "P19", "Hamburg"), ("Angela_Merkel", "P69", "Leipzig_University")]),
    ("Portugal's only neighbour is Spain, and the two countries share the euro.",
     [("Portugal", "P47", "Spain"), ("Portugal", "P38", "Euro"), ("Spain", "P38", "Euro")]),
    ("Stanley Kubrick, a New Yorker by birth, made The Shining with Jack Nicholson.",
     [("Stanley_Kubrick", "P19", "New_York_City"), ("The_Shining_(film)", "P57", "Stanley_Kubrick"), ("The_Shining_(film)", "P161", "Jack_Nicholson")]),
    ("Alan Turing was a British mathematician who taught at the University of Manchester.",
     [("Alan_Turing", "P27", "United_Kingdom"), ("Alan_Turing", "P106", "Mathematician"), ("Alan_Turing", "P108", "University_of_Manchester")]),
]


def main():
    ents, facts = make_data.build_world()
    known = set(facts)
    qid = {e.label: e.qid for e in ents.values()}
    for n, (text, triplets) in enumerate(SENTENCES):
        for t in triplets:
            assert t in known, f"not a fact of the demo world: {t}"
        gold = {"id": f"freeform-{n + 1}", "text": text, "triplets": [
            {"subject": {"surfaceform": s, "uri": qid[s]}, "predicate": {"surfaceform": W.RELATIONS[p], "uri": p},
             "object": {"surfaceform": o, "uri": qid[o]}} for s, p, o in triplets]}
        print(json.dumps(gold, ensure_ascii=False))


if __name__ == "__main__":
    main()
