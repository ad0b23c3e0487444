"""An Open311 client from PyPI (georeport) against a live Siang: lists services, posts a request,
reads it back, in JSON and in XML, and checks that each XML answer says what the JSON says.

georeport 0.3 has no call that posts, so the post is the specification's form, sent with requests
(as any client sends it). Exit 0 and a PASS line on success.

    python3 Tests/Open311/georeport_check.py --base-url http://127.0.0.1:8080 --api-key siang_…
"""
import argparse
import sys
import xml.etree.ElementTree as ElementTree

import requests
from georeport import GeoReport


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    args = parser.parse_args()
    root = args.base_url.rstrip("/") + "/open311/v2"
    as_json, as_xml = GeoReport(root), GeoReport(root, output_format="xml")

    services = as_json.get_service_list()
    codes = [service["service_code"] for service in services]
    assert "road" in codes and "other" in codes, codes
    road = next(service for service in services if service["service_code"] == "road")
    assert road["service_name"] and road["group"] and road["keywords"] and road["metadata"] is False, road
    xml_services = as_xml.get_service_list()
    assert [service["service_code"] for service in xml_services] == codes
    assert [service["service_name"] for service in xml_services] == [service["service_name"] for service in services]
    assert all(xml["metadata"] == "false" for xml in xml_services)
    definition = as_json.get_service_definition("road")
    assert definition["service_code"] == "road", definition

    description = "ถนนหน้าปากซอยเป็นหลุมลึกมาก มอเตอร์ไซค์ล้มทุกวัน ช่วยซ่อมด่วนครับ"
    posted = requests.post(root + "/requests.json", data={
        "api_key": args.api_key, "service_code": "road", "lat": "13.6681", "long": "100.6046",
        "address_string": "ซอยสุขุมวิท 101/1 เขตบางนา กรุงเทพมหานคร", "description": description,
    })
    assert posted.status_code == 201, (posted.status_code, posted.text)
    created = posted.json()[0]
    request_id = created["service_request_id"]
    assert request_id.startswith("SG-") and created["service_notice"], created

    read = as_json.get_service_request(request_id)
    assert read["service_request_id"] == request_id and read["status"] == "open", read
    assert read["service_code"] == "road" and read["description"] == description, read
    assert read["agency_responsible"], read
    assert abs(read["lat"] - 13.668) < 0.001 and abs(read["long"] - 100.605) < 0.001, read
    xml_read = as_xml.get_service_request(request_id)
    for field in ("service_request_id", "status", "service_code", "service_name", "description", "agency_responsible",
                  "requested_datetime", "expected_datetime"):
        assert xml_read[field] == read[field], (field, xml_read[field], read[field])

    listed = as_json.get_service_requests(service_code="road", status="open")
    assert any(item["service_request_id"] == request_id for item in listed), listed
    by_id = as_json.get_service_requests(service_request_id=request_id)
    assert [item["service_request_id"] for item in by_id] == [request_id], by_id

    # Every XML answer is well-formed; errors come as the specification's list in both forms.
    for path in ("discovery.xml", "services.xml", "services/road.xml", f"requests/{request_id}.xml", "requests.xml",
                 f"tokens/{request_id}.xml", "services/no_such_service.xml"):
        ElementTree.fromstring(requests.get(f"{root}/{path}").content)
    missing = requests.get(root + "/services/no_such_service.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404, missing.text
    refused = requests.post(root + "/requests.xml", data={"service_code": "road", "description": "x", "lat": "13.7", "long": "100.5"})
    error = ElementTree.fromstring(refused.content).find("error")
    assert refused.status_code == 403 and error.find("code").text == "403", refused.text
    print(f"PASS georeport: {len(codes)} services, request {request_id} posted and read back in JSON and XML")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as failure:
        print(f"FAIL {failure!r}", file=sys.stderr)
        sys.exit(1)
