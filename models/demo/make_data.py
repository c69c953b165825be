#!/usr/bin/python3
"""Builds the demo world and the demo model's training and evaluation data.

    /usr/bin/python3 models/demo/make_data.py [--world-out samples/data/demo-world] [--data-out models/demo/.data]

Writes (deterministic, seeded):
  - the world in SynthIE's layout (constrained_worlds/demo/{entities,relations}.json, id2name_mappings/*.jsonl), extending
    the entries already there;
  - models/demo/facts.tsv: every true fact of the world (subject id, relation id, object id, and the three names);
  - <data-out>/train.jsonl and eval.jsonl: templated texts with their facts, SynthIE subject-collapsed targets (text and
    ids, made as LinearizationFormatter makes them) and input ids (T5 sentencepiece, end token appended); eval.jsonl is
    also SynthIE's gold layout (id, text, triplets) for `synthie eval`;
  - <data-out>/vocab.json: the target id set (every id a linearization over this world can use) and the input id set.

Held out for evaluation: 10% of the facts (never in a training text) and 20% of each template list (never used in
training); evaluation texts contain at least one held-out fact and use held-out templates only.
"""
import argparse
import json
import math
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import world_data as W  # noqa: E402
from templates import T  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.environ.get("SYNTHIE_SHARED_DIR") or os.path.join(ROOT, "..", "shared")
SPIECE = os.path.join(SHARED, "data", "t5-tokenizer", "spiece.model")
SEED = 13
MARKERS = ("[s]", "[r]", "[o]", "[e]")


class Entity:
    def __init__(self, label, qid, surfaces, kind, gender=None):
        self.label, self.qid, self.surfaces, self.kind, self.gender = label, qid, list(surfaces), kind, gender


def build_world():
    ents = {}

    def add(label, qid, surfaces, kind, gender=None):
        if label in ents:
            assert ents[label].qid == qid, (label, qid, ents[label].qid)
            return
        ents[label] = Entity(label, qid, surfaces, kind, gender)

    facts = []

    def fact(s, p, o):
        assert s in ents and o in ents, (s, p, o)
        assert p in W.RELATIONS, p
        if (s, p, o) not in facts_set:
            facts_set.add((s, p, o))
            facts.append((s, p, o))

    facts_set = set()
    for label, qid in W.CONTINENTS.items():
        add(label, qid, [label.replace("_", " ")], "continent")
    for label, (qid, surface) in W.LANGUAGES.items():
        add(label, qid, [surface], "language")
    for label, (qid, surface) in W.CURRENCIES.items():
        add(label, qid, [surface], "currency")
    for label, (qid, surface) in W.OCCUPATIONS.items():
        add(label, qid, [surface], "occupation")
    for label, (qid, surface) in W.FIELDS.items():
        add(label, qid, [surface], "field")
    for label, (qid, surface) in W.AWARDS.items():
        add(label, qid, [surface], "award")
    for label, (qid, surface) in W.WATERS.items():
        add(label, qid, [surface], "water")
    for c in W.COUNTRIES:
        add(c[0], c[1], c[2], "country")
    for cap, qid in W.CAPITAL_IDS.items():
        add(cap, qid, W.CAPITAL_SURFACES.get(cap, [cap.replace("_", " ")]), "city")
    for r in W.REGIONS:
        add(r[0], r[1], [r[2]], "region")
    for c in W.CITIES:
        add(c[0], c[1], c[2], "city")
    for o in W.ORGANIZATIONS:
        add(o[0], o[1], o[2], "org")
    for c in W.COMPANIES:
        add(c[0], c[1], c[2], "company")
    for w in W.WORKS:
        add(w[0], w[1], w[2], "work:" + w[3])
    for p in W.PEOPLE:
        add(p[0], p[1], p[2], "person", p[3])

    for label, _, _, capital, continent, languages, currency in W.COUNTRIES:
        if capital:
            fact(label, "P36", capital)
            fact(capital, "P17", label)
        if continent:
            fact(label, "P30", continent)
        for lang in languages:
            fact(label, "P37", lang)
        if currency:
            fact(label, "P38", currency)
    for a, b in W.BORDERS:
        fact(a, "P47", b)
        fact(b, "P47", a)
    for label, _, _, country in W.REGIONS:
        fact(label, "P17", country)
    for label, _, _, country, region in W.CITIES:
        fact(label, "P17", country)
        if region:
            fact(label, "P131", region)
    for river, countries, mouth in W.RIVERS:
        for c in countries:
            fact(river, "P17", c)
        fact(river, "P403", mouth)
    for city, water in W.CITY_WATERS:
        fact(city, "P206", water)
    for label, _, _, city, country in W.ORGANIZATIONS:
        if city:
            fact(label, "P131", city)
        if country:
            fact(label, "P17", country)
    for label, _, _, hq, country, founders in W.COMPANIES:
        if hq:
            fact(label, "P159", hq)
        fact(label, "P17", country)
        for f in founders:
            fact(label, "P112", f)
    for work, author in W.AUTHORS:
        fact(work, "P50", author)
    for film, director, cast in W.FILMS:
        fact(film, "P57", director)
        for actor in cast:
            fact(film, "P161", actor)
    for label, _, _, _, pf in W.PEOPLE:
        for p, o in pf:
            fact(label, p, o)
    return ents, facts


def write_world(ents, out):
    """Writes SynthIE's world layout, keeping the entries already there (the world is extended, not replaced)."""
    mapping_dir = os.path.join(out, "id2name_mappings")
    world_dir = os.path.join(out, "constrained_worlds", "demo")
    os.makedirs(mapping_dir, exist_ok=True)
    os.makedirs(world_dir, exist_ok=True)

    def read_mapping(name):
        path = os.path.join(mapping_dir, name)
        if not os.path.exists(path):
            return []
        return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]

    old_entities = read_mapping("entity_mapping.jsonl")
    old_relations = read_mapping("relation_mapping.jsonl")
    entity_rows = {row["id"]: row["en_label"] for row in old_entities}
    for e in ents.values():
        if e.qid in entity_rows and entity_rows[e.qid] != e.label:
            raise SystemExit(f"{e.qid}: the world already names it {entity_rows[e.qid]!r}, not {e.label!r}")
        entity_rows.setdefault(e.qid, e.label)
    relation_rows = {row["id"]: row["en_label"] for row in old_relations}
    for pid, name in W.RELATIONS.items():
        if pid in relation_rows and relation_rows[pid] != name:
            raise SystemExit(f"{pid}: the world already names it {relation_rows[pid]!r}, not {name!r}")
        relation_rows.setdefault(pid, name)
    labels = list(entity_rows.values())
    assert len(labels) == len(set(labels)), "entity names must be unique"
    with open(os.path.join(mapping_dir, "entity_mapping.jsonl"), "w", encoding="utf-8") as f:
        for qid, label in entity_rows.items():
            f.write(json.dumps({"id": qid, "en_label": label}, ensure_ascii=False) + "\n")
    with open(os.path.join(mapping_dir, "relation_mapping.jsonl"), "w", encoding="utf-8") as f:
        for pid, label in relation_rows.items():
            f.write(json.dumps({"id": pid, "en_label": label}, ensure_ascii=False) + "\n")
    with open(os.path.join(world_dir, "entities.json"), "w", encoding="utf-8") as f:
        json.dump(list(entity_rows), f)
    with open(os.path.join(world_dir, "relations.json"), "w", encoding="utf-8") as f:
        json.dump(list(relation_rows), f)
    return entity_rows, relation_rows


# ---------------------------------------------------------------------------------------------------------------
# Linearization, exactly as LinearizationFormatter (subject-collapsed): parts tokenized separately, no inner EOS.

def sc_parts(facts):
    parts = []
    current = None
    for s, r, o in facts:
        if current is None or current != s:
            current = s
            parts += ["[e]", " ", "[s]", " ", s.strip().replace(" ", "_"), " "]
        parts += ["[r]", " ", r.strip().replace("_", " "), " ", "[o]", " ", o.strip().replace(" ", "_"), " "]
    parts = parts[2:]
    parts.append("[e]")
    return parts


def sc_text(facts):
    return "".join(sc_parts(facts))


def sc_ids(sp, facts):
    ids = []
    for part in sc_parts(facts):
        ids += sp.encode(part)
    return ids + [1]


# ---------------------------------------------------------------------------------------------------------------
# Text generation.

def article(word):
    return ("an " if word[0].lower() in "aeiou" else "a ") + word


class Generator:
    def __init__(self, ents, facts, rng, template_split, allowed_facts, required_facts):
        self.ents, self.rng = ents, rng
        self.split = template_split  # (relation, list name) -> list of template strings usable here
        self.by_subject = {}
        self.by_object = {}
        for f in facts:
            if f in allowed_facts:
                self.by_subject.setdefault(f[0], []).append(f)
                self.by_object.setdefault(f[2], []).append(f)
        self.subjects = sorted(self.by_subject)
        self.required = sorted(required_facts)  # facts one of which each text must contain (None: any)

    def templates(self, rel, name, kind=None):
        if kind is not None and (rel, f"{name}:{kind}") in self.split:
            return self.split[(rel, f"{name}:{kind}")]
        return self.split.get((rel, name), [])

    def surface(self, label, rel=None, short=False):
        e = self.ents[label]
        s = e.surfaces[0]
        if e.kind == "person" and short and len(e.surfaces) > 1:
            s = e.surfaces[1]
        elif len(e.surfaces) > 1 and self.rng.random() < 0.3:
            s = e.surfaces[1]
        if e.kind == "occupation" and rel == "P106":
            s = article(s)
        return s

    def pronoun(self, label):
        e = self.ents[label]
        if e.kind == "person":
            return ("she", "her") if e.gender == "f" else ("he", "his")
        return ("it", "its")

    def kind(self, label):
        k = self.ents[label].kind
        return k.split(":")[0]

    def render_object(self, o, rel, out_facts, budget, mention):
        """The object's mention, maybe with an apposition that states one more fact about it."""
        text = mention(o, self.surface(o, rel))
        if budget <= 0 or self.rng.random() > 0.35:
            return text
        options = []
        for f in self.by_object.get(o, []):  # o is the object of f: "Paris, the capital of France"
            if f[1] == "P36" and self.templates("P36", "appo_rev"):
                options.append((f, self.rng.choice(self.templates("P36", "appo_rev")), f[0]))
        for f in self.by_subject.get(o, []):
            if f[1] in ("P17", "P30", "P106") and self.templates(f[1], "appo"):
                if f[1] == "P17" and self.kind(o) != "city":
                    continue
                options.append((f, self.rng.choice(self.templates(f[1], "appo")), f[2]))
        options = [x for x in options if x[0] not in out_facts]
        if not options:
            return text
        f, appo, y = self.rng.choice(options)
        out_facts.append(f)
        ysurf = self.surface(y, f[1])
        ybare = self.ents[y].surfaces[0]
        return text + appo.format(y=mention(y, ysurf), yb=mention(y, ybare)).rstrip(",")

    def text(self):
        """One text: (text, facts in linearization order) or None."""
        rng = self.rng
        n_facts = rng.choice([1, 1, 2, 2, 2, 3, 3, 4])
        if self.required and rng.random() < 0.9:
            seed_fact = rng.choice(self.required)
        else:
            seed_fact = None
        positions = {}
        pieces = []

        def mention(label, surface):
            pieces.append(label)
            return "\x00%d\x00" % (len(pieces) - 1) + surface + "\x01"

        facts = []
        # Main subject and its facts (a fact may also be stated from its object's side: "X founded Y").
        if seed_fact is not None and rng.random() < 0.5 and self.templates(seed_fact[1], "inv"):
            subject = seed_fact[2]
        elif seed_fact is not None:
            subject = seed_fact[0]
        else:
            subject = rng.choice(self.subjects)
        own = list(self.by_subject.get(subject, []))
        inv = [f for f in self.by_object.get(subject, []) if self.templates(f[1], "inv")]
        rng.shuffle(own)
        rng.shuffle(inv)
        chosen = []  # (fact, inverted)
        if seed_fact is not None:
            chosen.append((seed_fact, seed_fact[0] != subject))
        pool = [(f, False) for f in own] + [(f, True) for f in inv]
        rng.shuffle(pool)
        k = min(rng.choice([1, 1, 2, 2, 3]), n_facts)
        used_rel = {c[0][1] for c in chosen}
        for f, inverted in pool:
            if len(chosen) >= k:
                break
            if any(f == c[0] for c in chosen) or (f[1] in used_rel and rng.random() < 0.7):
                continue
            chosen.append((f, inverted))
            used_rel.add(f[1])
        if not chosen:
            return None
        rng.shuffle(chosen)
        facts.extend(c[0] for c in chosen)

        def vp_of(f, inverted, budget):
            rel = f[1]
            if inverted:
                t = rng.choice(self.templates(rel, "inv"))
                return t.format(x=self.render_object(f[0], rel, facts, budget, mention), pos=self.pronoun(subject)[1])
            ts = self.templates(rel, "vp", self.kind(subject))
            t = rng.choice(ts)
            return t.format(o=self.render_object(f[2], rel, facts, budget, mention), pos=self.pronoun(subject)[1])

        sentences = []
        mode = rng.random()
        subj_mention = lambda short=False: mention(subject, self.surface(subject, short=short))
        if len(chosen) == 1 and not chosen[0][1] and mode < 0.4 and self.templates(chosen[0][0][1], "sent"):
            f = chosen[0][0]
            t = rng.choice(self.templates(f[1], "sent"))
            o_text = self.render_object(f[2], f[1], facts, n_facts - len(facts), mention)
            sentences.append(t.format(s=subj_mention(), o=o_text, pos=self.pronoun(subject)[1]))
        elif len(chosen) >= 2 and mode < 0.35:
            # "S VP1. He VP2 and VP3."
            first = vp_of(*chosen[0], n_facts - len(facts))
            sentences.append(f"{subj_mention()} {first}.")
            rest = [vp_of(f, inv_, n_facts - len(facts)) for f, inv_ in chosen[1:]]
            pron = self.pronoun(subject)[0] if rng.random() < 0.7 else None
            who = pron if pron else subj_mention(short=True)
            sentences.append(f"{who} {join_and(rest)}.")
        elif len(chosen) >= 2 and mode < 0.6:
            # "S, who VP1, VP2."
            rel_pron = "who" if self.kind(subject) == "person" else "which"
            first = vp_of(*chosen[0], n_facts - len(facts))
            rest = [vp_of(f, inv_, n_facts - len(facts)) for f, inv_ in chosen[1:]]
            sentences.append(f"{subj_mention()}, {rel_pron} {first}, {join_and(rest)}.")
        else:
            vps = [vp_of(f, inv_, n_facts - len(facts)) for f, inv_ in chosen]
            sentences.append(f"{subj_mention()} {join_and(vps)}.")

        # Maybe one more sentence about another entity, before or after.
        if len(facts) < n_facts:
            candidates = [f for f in self.required if f not in facts] if self.required else []
            if not candidates or rng.random() < 0.5:
                other = rng.choice(self.subjects)
                candidates = [f for f in self.by_subject[other] if f not in facts]
            if candidates:
                f = rng.choice(candidates)
                if f[0] != subject:
                    if rng.random() < 0.5 and self.templates(f[1], "sent"):
                        t = rng.choice(self.templates(f[1], "sent"))
                        s2 = t.format(s=mention(f[0], self.surface(f[0])), o=mention(f[2], self.surface(f[2], f[1])), pos=self.pronoun(f[0])[1])
                    else:
                        t = rng.choice(self.templates(f[1], "vp", self.kind(f[0])))
                        s2 = f"{mention(f[0], self.surface(f[0]))} {t.format(o=mention(f[2], self.surface(f[2], f[1])), pos=self.pronoun(f[0])[1])}."
                    facts.append(f)
                    if rng.random() < 0.5:
                        sentences.append(s2)
                    else:
                        sentences.insert(0, s2)

        raw = " ".join(capitalize(s) for s in sentences)
        # Resolve mentions: record each label's first position in the final text.
        out = []
        first_pos = {}
        i = 0
        pos = 0
        for m in re.finditer(r"\x00(\d+)\x00([^\x01]*)\x01", raw):
            out.append(raw[i:m.start()])
            pos += len(raw[i:m.start()])
            label = pieces[int(m.group(1))]
            first_pos.setdefault(label, pos)
            out.append(m.group(2))
            pos += len(m.group(2))
            i = m.end()
        out.append(raw[i:])
        text = "".join(out)
        if self.required and not any(f in self.required_set for f in facts):
            return None
        facts = list(dict.fromkeys(facts))
        facts.sort(key=lambda f: (first_pos[f[0]], first_pos[f[2]]))
        return text, facts


def capitalize(s):
    # Capitalize the first visible character (mentions are wrapped in \x00n\x00 ... \x01).
    m = re.match(r"^(\x00\d+\x00)?(.)", s, re.S)
    if not m:
        return s
    idx = m.start(2)
    return s[:idx] + s[idx].upper() + s[idx + 1:]


def join_and(items):
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def counterfactual_facts(ents, facts, rng, forbidden, p_keep=0.35):
    """One counterfactual world for training texts only: every fact's subject and object are replaced, each with
    probability 1 - p_keep, by a random entity of the same kind (a person by a person, a city by a city, ...), so that
    the text, not a memorized association, is the only way to tell which entities a fact links. Facts in `forbidden`
    (the held-out true facts) are never produced; neither are facts linking an entity to itself."""
    by_kind = {}
    for label in sorted(ents):
        by_kind.setdefault(ents[label].kind, []).append(label)
    out = []
    seen = set()
    for s, p, o in facts:
        for _ in range(5):
            s2 = s if rng.random() < p_keep else rng.choice(by_kind[ents[s].kind])
            o2 = o if rng.random() < p_keep else rng.choice(by_kind[ents[o].kind])
            f = (s2, p, o2)
            if s2 != o2 and f not in forbidden and f not in seen:
                seen.add(f)
                out.append(f)
                break
    return out


WORD = re.compile(r"[a-z]+")
PLACEHOLDERS = {"s", "o", "x", "y", "yb", "pos"}


def words(template):
    return set(WORD.findall(template.lower())) - PLACEHOLDERS


def split_templates(rng):
    """20% of every template list (rounded up, at least one kept for training) is held out for evaluation, chosen at
    random among the templates whose words all occur in the relation's training templates: a held-out template is a new
    phrasing made of words the model has seen used for that relation (a model trained from scratch cannot know what a
    word it never saw means). A list with too few such templates holds out fewer."""
    keep = {"worked in {o}", ", the capital of {y},", "was born in {o}", "{o} is the capital of {s}."}
    train, held = {}, {}
    for rel, lists in T.items():
        held_here = set()  # (list name, index)

        def covered():
            known = set()
            for name, items in lists.items():
                for j, t in enumerate(items):
                    if (name, j) not in held_here:
                        known |= words(t)
            return all(words(lists[name][j]) <= known for name, j in held_here)

        for name, items in lists.items():
            order = list(range(len(items)))
            rng.shuffle(order)
            n_held = min(len(items) - 1, math.ceil(0.2 * len(items)))
            taken = 0
            for j in order:
                if taken >= n_held:
                    break
                if items[j] in keep:
                    continue
                held_here.add((name, j))
                if covered():
                    taken += 1
                else:
                    held_here.discard((name, j))
        for name, items in lists.items():
            train[(rel, name)] = [t for j, t in enumerate(items) if (name, j) not in held_here]
            held[(rel, name)] = [t for j, t in enumerate(items) if (name, j) in held_here] or train[(rel, name)]
    return train, held


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world-out", default=os.path.join(ROOT, "samples", "data", "demo-world"))
    ap.add_argument("--data-out", default=os.path.join(HERE, ".data"))
    ap.add_argument("--train", type=int, default=200000)
    ap.add_argument("--eval", type=int, default=1000)
    ap.add_argument("--counterfactual", type=float, default=0.5,
                    help="share of the training texts drawn from counterfactual worlds (random same-kind pairings; see counterfactual_facts)")
    ap.add_argument("--worlds", type=int, default=40, help="how many counterfactual worlds those texts come from")
    ap.add_argument("--print-sample", type=int, default=0,
                    help="only print N training examples (names and target ids) as JSON, for the C# LinearizationFormatter check")
    args = ap.parse_args()

    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=SPIECE)

    ents, facts = build_world()
    if args.print_sample:
        gen = Generator(ents, facts, random.Random(SEED + 1), split_templates(random.Random(SEED))[0], set(facts), [])
        gen.required_set = set()
        sample = []
        while len(sample) < args.print_sample:
            r = gen.text()
            if r is not None:
                named = [(s, W.RELATIONS[p], o) for s, p, o in r[1]]
                sample.append({"text": r[0], "facts": named, "target_ids": sc_ids(sp, named)})
        json.dump(sample, sys.stdout, ensure_ascii=False)
        return
    entity_rows, relation_rows = write_world(ents, args.world_out)
    label_to_qid = {e.label: e.qid for e in ents.values()}
    with open(os.path.join(HERE, "facts.tsv"), "w", encoding="utf-8") as f:
        f.write("subject_id\trelation_id\tobject_id\tsubject\trelation\tobject\n")
        for s, p, o in facts:
            f.write(f"{label_to_qid[s]}\t{p}\t{label_to_qid[o]}\t{s}\t{W.RELATIONS[p]}\t{o}\n")
    print(f"world: {len(entity_rows)} entities ({len(ents)} in the demo tables), {len(relation_rows)} relations, {len(facts)} facts")

    rng = random.Random(SEED)
    train_t, held_t = split_templates(rng)
    pinned = {("Marie_Curie", "P19", "Warsaw"), ("Marie_Curie", "P937", "Paris"), ("France", "P36", "Paris")}
    order = list(range(len(facts)))
    rng.shuffle(order)
    held_facts = set()
    for j in order:
        if len(held_facts) >= round(0.1 * len(facts)):
            break
        if facts[j] not in pinned:
            held_facts.add(facts[j])
    train_facts = set(facts) - held_facts

    os.makedirs(args.data_out, exist_ok=True)
    rel_name = W.RELATIONS

    def example(text, fs):
        named = [(s, rel_name[p], o) for s, p, o in fs]
        return {
            "text": text,
            "facts": [[label_to_qid[s], p, label_to_qid[o]] for s, p, o in fs],
            "target": sc_text(named),
            "target_ids": sc_ids(sp, named),
            "input_ids": sp.encode(text) + [1],
        }

    gen = Generator(ents, facts, random.Random(SEED + 1), train_t, train_facts, [])
    gen.required_set = set()
    # Counterfactual worlds (training texts only; the world and facts.tsv stay true): built from the training facts,
    # never producing a held-out true fact.
    cf_rng = random.Random(SEED + 3)
    cf_gens = []
    for _ in range(args.worlds if args.counterfactual > 0 else 0):
        cf = counterfactual_facts(ents, sorted(train_facts), cf_rng, held_facts)
        g = Generator(ents, cf, random.Random(cf_rng.randrange(1 << 30)), train_t, set(cf), [])
        g.required_set = set()
        cf_gens.append(g)
    pick = random.Random(SEED + 4)
    seen_texts = set()
    train = []
    n_cf = 0
    while len(train) < args.train:
        counterfactual = cf_gens and pick.random() < args.counterfactual
        r = (pick.choice(cf_gens) if counterfactual else gen).text()
        if r is None or r[0] in seen_texts:
            continue
        assert not any(f in held_facts for f in r[1]), r
        seen_texts.add(r[0])
        train.append(example(*r))
        n_cf += bool(counterfactual)
    evalgen = Generator(ents, facts, random.Random(SEED + 2), held_t, set(facts), held_facts)
    evalgen.required_set = held_facts
    evals = []
    while len(evals) < args.eval:
        r = evalgen.text()
        if r is None or r[0] in seen_texts:
            continue
        seen_texts.add(r[0])
        evals.append(example(*r))

    with open(os.path.join(args.data_out, "train.jsonl"), "w", encoding="utf-8") as f:
        for ex in train:
            f.write(json.dumps(ex, ensure_ascii=False) + "\n")
    with open(os.path.join(args.data_out, "eval.jsonl"), "w", encoding="utf-8") as f:
        for n, ex in enumerate(evals):
            gold = {"id": n, "text": ex["text"], "triplets": [
                {"subject": {"surfaceform": entity_rows[s], "uri": s}, "predicate": {"surfaceform": relation_rows[p], "uri": p},
                 "object": {"surfaceform": entity_rows[o], "uri": o}} for s, p, o in ex["facts"]]}
            gold.update({k: ex[k] for k in ("target", "target_ids", "input_ids")})
            f.write(json.dumps(gold, ensure_ascii=False) + "\n")

    # Target vocabulary: every id a linearization over this world can use (markers, names, end token).
    target_ids = {0, 1}
    for m in MARKERS:
        target_ids.update(sp.encode(m))
    for name in list(entity_rows.values()):
        target_ids.update(sp.encode(name.strip().replace(" ", "_")))
    for name in relation_rows.values():
        target_ids.update(sp.encode(name.strip().replace("_", " ")))
    input_ids = set()
    for ex in train:
        input_ids.update(ex["input_ids"])
    with open(os.path.join(args.data_out, "vocab.json"), "w") as f:
        json.dump({"target_ids": sorted(target_ids), "input_ids": sorted(input_ids)}, f)
    held_count = sum(len(v) for v in held_t.values())
    print(f"train: {len(train)} texts ({len(train_facts)} true facts; {n_cf} texts from {len(cf_gens)} counterfactual worlds); eval: {len(evals)} texts ({len(held_facts)} held-out facts); "
          f"templates: {sum(len(v) for v in train_t.values())} train, {held_count} held out; "
          f"target vocabulary {len(target_ids)} ids, input vocabulary {len(input_ids)} ids")
    lens = sorted(len(ex["input_ids"]) for ex in train)
    tl = sorted(len(ex["target_ids"]) for ex in train)
    print(f"input length p50 {lens[len(lens)//2]} max {lens[-1]}; target length p50 {tl[len(tl)//2]} max {tl[-1]}")
    for ex in train[:8] + evals[:4]:
        print(ex["text"], "=>", ex["target"])


if __name__ == "__main__":
    main()
