"""Validate the held-out triage set against config/community.yaml."""
import json, re, sys, collections, yaml

cfg = yaml.safe_load(open('/work/main/config/community.yaml', encoding='utf-8'))
comms = {c['id']: c for c in cfg['communities']}
compounds = {}
for c in cfg['communities']:
    for k in c['compounds']:
        compounds[k['id']] = dict(k, community=c['id'], office=c['office'])
depts = {d['id'] for d in cfg['departments']}
cats = {c['code']: c for c in cfg['categories']}
people = {p['userid']: p for p in cfg['people']}
STYLES = {'terse', 'normal', 'rambling', 'voice', 'kunming', 'emoji', 'two-problems', 'negation', 'polite', 'typo'}
errors = []

def err(f, i, msg):
    errors.append(f'{f}:{i}: {msg}')

def mentions(text):
    """compound ids whose name/alias (or a '<number>号院' form) the text contains"""
    found = set()
    for cid, k in compounds.items():
        for form in [k['name']] + k.get('aliases', []):
            if form in text:
                found.add(cid)
        m = re.search(r'(\d+)号', k['name'])
        if m and re.search(r'(?<!\d)' + m.group(1) + r'号院', text):
            found.add(cid)
    return found

def expected_dept(cat, comp, community):
    d = cats[cat]['department']
    if d == 'property':
        if comp and compounds[comp].get('property'):
            return compounds[comp]['property']
        return comms[community]['office']
    if d == 'community':
        return comms[community]['office']
    return d

def load(f):
    rows = []
    for i, line in enumerate(open(f, encoding='utf-8'), 1):
        try:
            rows.append((i, json.loads(line)))
        except Exception as e:
            err(f, i, f'parse: {e}')
    return rows

def check_person(f, i, r):
    p = people.get(r['from'])
    if not p:
        err(f, i, f'unknown person {r["from"]}'); return None
    if p.get('community') != r['community']:
        err(f, i, f'community {r["community"]} != person community {p.get("community")}')
    if r['community'] not in comms:
        err(f, i, f'unknown community')
    return p

# ---- reports
F = 'reports.jsonl'
reps = load(F)
texts = collections.Counter()
for i, r in reps:
    keys = {'from', 'community', 'text', 'category', 'compound', 'urgent', 'department', 'style'}
    if set(r) != keys:
        err(F, i, f'keys {sorted(set(r) ^ keys)}')
    p = check_person(F, i, r)
    texts[r['text']] += 1
    if r['category'] not in cats: err(F, i, 'bad category')
    if r['style'] not in STYLES: err(F, i, 'bad style')
    if r['department'] not in depts: err(F, i, 'bad department')
    if not isinstance(r['urgent'], bool): err(F, i, 'urgent not bool')
    c = r['compound']
    if c is not None and (c not in compounds or compounds[c]['community'] != r['community']):
        err(F, i, f'compound {c} not in community {r["community"]}')
    named = {x for x in mentions(r['text']) if compounds[x]['community'] == r['community']}
    if named:
        if c not in named: err(F, i, f'text names {named} but compound={c}')
    elif p:
        own = p.get('compounds', [])
        want = own[0] if len(own) == 1 else None
        if c != want: err(F, i, f'text names no compound: expected {want}, got {c}')
    if r['category'] in cats and r['community'] in comms and (c is None or c in compounds):
        want = expected_dept(r['category'], c, r['community'])
        if r['department'] != want: err(F, i, f'department {r["department"]} != {want}')
    if r['category'] in ('fire-alarm',) and not r['urgent']:
        err(F, i, 'fire-alarm not urgent')
    if r['style'] == 'terse' and not (3 <= len(r['text']) <= 10):
        err(F, i, f'terse length {len(r["text"])}')
    if r['style'] == 'voice' and re.search(r'[，。！？,.!?、]', r['text']):
        err(F, i, 'voice style has punctuation')
for t, n in texts.items():
    if n > 1: errors.append(f'{F}: duplicate text {t!r}')

# ---- conversation
F = 'conversation.jsonl'
conv = load(F)
KINDS = {'greeting', 'thanks', 'ack', 'emoji', 'test', 'question', 'chitchat'}
ctexts = collections.Counter()
for i, r in conv:
    if set(r) != {'from', 'community', 'text', 'kind'}: err(F, i, 'keys')
    check_person(F, i, r)
    if r['kind'] not in KINDS: err(F, i, 'bad kind')
    ctexts[r['text']] += 1
    if r['text'] in texts: err(F, i, 'same text as a report')
for t, n in ctexts.items():
    if n > 1: errors.append(f'{F}: duplicate text {t!r}')

# ---- followups
F = 'followups.jsonl'
fol = load(F)
SK = {'place', 'detail', 'quote', 'conversation', 'new-report'}
for i, r in fol:
    p = check_person(F, i, r)
    if r['secondKind'] not in SK: err(F, i, 'bad secondKind')
    if p and len(p.get('compounds', [])) == 1: err(F, i, 'reporter has exactly one compound')
    if mentions(r['first']): err(F, i, f'first names a place {mentions(r["first"])}')
    ec = r['expectedCompound']
    if ec is not None and (ec not in compounds or compounds[ec]['community'] != r['community']):
        err(F, i, 'expectedCompound not in community')
    named = mentions(r['second'])
    if r['secondKind'] in ('place', 'quote'):
        if named != {ec}: err(F, i, f'second names {named}, expected {ec}')
        if r['expectedTickets'] != 1: err(F, i, 'tickets')
    elif r['secondKind'] == 'new-report':
        if r['expectedTickets'] != 2 or ec is not None: err(F, i, 'new-report: tickets 2, first compound null')
        if named != {r.get('secondCompound')}: err(F, i, f'second names {named}')
        if r.get('secondCategory') not in cats: err(F, i, 'secondCategory')
    else:
        if named or ec is not None or r['expectedTickets'] != 1: err(F, i, 'detail/conversation should add no place')

# ---- counts
print('reports:', len(reps), ' conversation:', len(conv), ' followups:', len(fol))
R = [r for _, r in reps]
print('per category:', dict(sorted(collections.Counter(r['category'] for r in R).items())))
print('per style:   ', dict(sorted(collections.Counter(r['style'] for r in R).items())))
print('urgent:', sum(r['urgent'] for r in R), ' not urgent:', sum(not r['urgent'] for r in R))
print('urgent per category:', dict(sorted(collections.Counter(r['category'] for r in R if r['urgent']).items())))
print('near-misses (negation style, not urgent):', sum(r['style'] == 'negation' and not r['urgent'] for r in R),
      ' negation style but urgent:', sum(r['style'] == 'negation' and r['urgent'] for r in R))
print('short reports (<= 8 chars):', sum(len(r['text']) <= 8 for r in R))
print('compound null:', sum(r['compound'] is None for r in R))
print('per reporter:', dict(collections.Counter(r['from'] for r in R)))
print('per department:', dict(sorted(collections.Counter(r['department'] for r in R).items())))
print('conversation kinds:', dict(collections.Counter(r['kind'] for _, r in conv)))
print('followup kinds:', dict(collections.Counter(r['secondKind'] for _, r in fol)),
      ' 2-ticket:', sum(r['expectedTickets'] == 2 for _, r in fol))
print('ERRORS:', len(errors))
for e in errors: print('  ', e)
sys.exit(1 if errors else 0)
