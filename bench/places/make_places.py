#!/usr/bin/env python3
"""Writes bench/places/places.jsonl: short complaint texts from across the country, each with the
area a person reading it would pick ("expect": the most specific DOPA code, "" when the text does
not say where, or says it ambiguously). Run by hand; the file is committed and is the test set.

The complaints are the team's own sentences; the places are filled in from Seeds/areas/ in the ways
people write them (ต. อ. จ., ตำบล/อำเภอ/จังหวัด, อำเภอเมือง…, bare district names, postcodes, กทม.).
"ambiguous": true marks texts whose place name fits several areas; the scorer counts a more specific
area than "expect" there as a wrong guess.
"""

import collections
import csv
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AREAS = os.path.join(ROOT, "Seeds", "areas")


def rows(name):
    with open(os.path.join(AREAS, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


provinces = {r["code"]: r for r in rows("provinces.csv")}
districts = {r["code"]: r for r in rows("districts.csv")}
subdistricts = {r["code"]: r for r in rows("subdistricts.csv")}
by_name = collections.defaultdict(list)
for table in (provinces, districts, subdistricts):
    for code, r in table.items():
        by_name[r["name_th"]].append(code)

# What people complain about, with {p} where the place goes.
COMPLAINTS = [
    "ถนนเป็นหลุมเป็นบ่อ รถจักรยานยนต์ล้มบ่อยมาก ที่{p}",
    "ไฟถนนดับทั้งซอยมาเป็นเดือนแล้ว {p} ช่วยมาซ่อมด้วยค่ะ",
    "ขยะไม่มีคนมาเก็บสามวันแล้ว ส่งกลิ่นเหม็นมาก {p}",
    "น้ำประปาไม่ไหลตั้งแต่เมื่อวาน {p}",
    "ไฟฟ้าดับบ่อยมากช่วงนี้ {p} ตู้เย็นเสียไปแล้ว",
    "สุนัขจรจัดเยอะมาก ไล่กัดเด็กนักเรียน {p}",
    "ท่อระบายน้ำอุดตัน ฝนตกทีไรน้ำท่วมขัง {p}",
    "{p} มีร้านเปิดเพลงเสียงดังถึงตีสองทุกคืน",
    "ร้องเรียนเรื่องการเผาขยะ ควันเข้าบ้านทุกเย็น {p}",
    "สะพานไม้ข้ามคลองผุพัง เด็กเดินไปโรงเรียนอันตราย {p}",
    "{p} น้ำท่วมถนนสูงครึ่งเมตร รถเล็กผ่านไม่ได้",
    "ต้นไม้ริมทางล้มขวางถนนตั้งแต่พายุเมื่อคืน {p}",
    "ขอให้มาตัดกิ่งไม้ที่พาดสายไฟ {p}",
    "ป้ายบอกทางหายไป คนขับหลงกันบ่อย {p}",
    "แจ้งเหตุรถบรรทุกวิ่งเร็วในหมู่บ้าน {p}",
    "{p} ถนนลูกรังฝุ่นเยอะมาก ขอให้ลาดยางด้วยครับ",
    "ทางเท้าแตกเป็นช่อง ผู้สูงอายุสะดุดล้ม {p}",
    "ลำรางสาธารณะตื้นเขิน น้ำไม่ระบาย {p}",
    "ฝาท่อหายไปหนึ่งฝา อันตรายมาก {p}",
    "มีการลักลอบทิ้งขยะริมทาง {p} ช่วยตรวจสอบด้วย",
]


def place_text(kind, code):
    """The place as a person might write it."""
    if len(code) == 6:
        s = subdistricts[code]; d = districts[code[:4]]; p = provinces[code[:2]]
        if code.startswith("10"):
            return random.choice([f"แขวง{s['name_th']} เขต{d['name_th']}", f"แขวง{s['name_th']} เขต{d['name_th']} กทม."])
        district_name = "เมือง" if d["name_th"].startswith("เมือง") and kind == "short" else d["name_th"]
        return random.choice([
            f"ต.{s['name_th']} อ.{district_name} จ.{p['name_th']}",
            f"ตำบล{s['name_th']} อำเภอ{district_name} จังหวัด{p['name_th']}",
            f"หมู่ {random.randint(1, 12)} ต.{s['name_th']} อ.{district_name} จ.{p['name_th']}",
            f"บ้านเลขที่ {random.randint(1, 300)} ตำบล{s['name_th']} อำเภอ{district_name} {p['name_th']} {s['postcode'].split(';')[0]}",
        ])
    if len(code) == 4:
        d = districts[code]; p = provinces[code[:2]]
        if code.startswith("10"):
            return random.choice([f"เขต{d['name_th']}", f"เขต{d['name_th']} กรุงเทพฯ"])
        if kind == "mueang":
            return random.choice([f"อ.เมือง จ.{p['name_th']}", f"อำเภอเมือง จังหวัด{p['name_th']}", f"อำเภอ{d['name_th']}"])
        if kind == "bare":
            return random.choice([f"แถว{d['name_th']}", f"ใน{d['name_th']}", f"{d['name_th']}"])
        forms = [f"อ.{d['name_th']} จ.{p['name_th']}", f"อำเภอ{d['name_th']} จังหวัด{p['name_th']}"]
        if sum(len(c) == 4 for c in by_name[d["name_th"]]) == 1:
            forms.append(f"อำเภอ{d['name_th']}")
        return random.choice(forms)
    p = provinces[code]
    return random.choice([f"จ.{p['name_th']}", f"จังหวัด{p['name_th']}", f"ที่{p['name_th']}"])


def unique_name(code, table):
    return len(by_name[table[code]["name_th"]]) == 1


def main():
    random.seed(20)
    out = []
    province_codes = [c for c in provinces if c != "10"]
    random.shuffle(province_codes)
    chosen = province_codes[:60]

    def add(text, expect, ambiguous=False, **extra):
        line = {"id": len(out) + 1, "text": text, "expect": expect}
        if ambiguous:
            line["ambiguous"] = True
        line.update(extra)
        out.append(line)

    complaint = lambda: random.choice(COMPLAINTS)
    for pc in chosen:
        ds = [c for c in districts if c[:2] == pc]
        ss = [c for c in subdistricts if c[:2] == pc]
        # A subdistrict written in full (three per province).
        for code in random.sample(ss, 3):
            add(complaint().format(p=place_text("full", code)), code)
        # A district with its province, and the capital district as "อำเภอเมือง".
        code = random.choice([d for d in ds if not districts[d]["name_th"].startswith("เมือง")])
        add(complaint().format(p=place_text("full", code)), code)
        mueang = next((d for d in ds if d.endswith("01") and districts[d]["name_th"].startswith("เมือง")), None)
        if mueang is None:
            continue
        add(complaint().format(p=place_text("mueang", mueang)), mueang)
        # The province alone.
        add(complaint().format(p=place_text("full", pc)), pc)
    # Bare district names people know (unique names, not short words).
    bare = [c for c in districts if not c.startswith("10") and unique_name(c, districts) and len(districts[c]["name_th"]) > 4
            and not districts[c]["name_th"].startswith("เมือง")]
    for code in random.sample(bare, 40):
        add(complaint().format(p=place_text("bare", code)), code)
    # Bangkok, as before.
    for code in random.sample([c for c in districts if c.startswith("10")], 15):
        add(complaint().format(p=place_text("full", code)), code)
    for code in random.sample([c for c in subdistricts if c.startswith("10") and unique_name(c, subdistricts)], 10):
        add(complaint().format(p=place_text("full", code)), code)
    # Shared subdistrict names: settled by the district, by the province, by a postcode, or not at all.
    shared = [n for n, codes in by_name.items() if len(codes) >= 3 and all(len(c) == 6 and not c.startswith("10") for c in codes)]
    random.shuffle(shared)
    for name in shared[:25]:
        codes = by_name[name]
        add(complaint().format(p=f"ต.{name}"), "", ambiguous=True)
        code = random.choice(codes)
        d = districts[code[:4]]; p = provinces[code[:2]]
        add(complaint().format(p=f"ต.{name} อ.{d['name_th']}"), code if sum(c[:4] == code[:4] for c in codes) == 1 else code[:4], ambiguous=True)
        in_province = [c for c in codes if c[:2] == code[:2]]
        add(complaint().format(p=f"ตำบล{name} จังหวัด{p['name_th']}"), code if len(in_province) == 1 else code[:2], ambiguous=True)
        postcode = subdistricts[code]["postcode"].split(";")[0]
        # A postcode names its subdistricts and their districts (not the province).
        served = {c[:4] for c, r in subdistricts.items() if postcode in r["postcode"].split(";")}
        with_postcode = [c for c in codes if c[:4] in served]
        add(complaint().format(p=f"ต.{name} {postcode}"), code if len(with_postcode) == 1 else "", ambiguous=True)
    # "อำเภอเมือง" with no province, and district names several provinces share.
    for _ in range(5):
        add(complaint().format(p="อ.เมือง"), "", ambiguous=True)
    for name in ["เฉลิมพระเกียรติ", "บ้านนา", "เวียงสระ"]:
        codes = [c for c in by_name.get(name, []) if len(c) == 4]
        if len(codes) > 1:
            add(complaint().format(p=f"อ.{name}"), "", ambiguous=True)
            code = random.choice(codes)
            add(complaint().format(p=f"อ.{name} จ.{provinces[code[:2]]['name_th']}"), code, ambiguous=True)
    # The province given with the case settles a shared subdistrict name.
    for name in shared[25:45]:
        code = random.choice(by_name[name])
        in_province = [c for c in by_name[name] if c[:2] == code[:2]]
        add(complaint().format(p=f"ต.{name}"), code if len(in_province) == 1 else code[:2], ambiguous=True, province=code[:2])
    # No place at all.
    for _ in range(10):
        add(complaint().format(p="").strip(), "")

    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "places.jsonl"), "w", encoding="utf-8") as f:
        for line in out:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(len(out), "texts from", len({l["expect"][:2] for l in out if l["expect"]}), "provinces,",
          sum(1 for l in out if l.get("ambiguous")), "with shared names")


if __name__ == "__main__":
    main()
