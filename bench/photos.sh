#!/usr/bin/env bash
# Photo uploads at scale, on this machine (release build by default). Two parts:
#   1. throughput: CLIENTS (8) clients each file cases with one MEGAPIXELS (12) phone JPEG of about
#      PHOTO_MB (4) MB through POST /api/v1/cases (multipart), for DURATION (30) s: uploads per second and
#      latency percentiles, each upload checked, cleaned, resized to display size and thumbnail and stored
#      (the target: >= 30/s with p99 < 1 s);
#   2. memory: BURST (16) uploads of a BIG_MB (10) MB JPEG at once; the server's peak RSS during the burst
#      (VmHWM, reset just before it; the target: < 300 MB).
# Each client has a photo of its own (different pixels), as phones do; the photos are made with Pillow.
#
#   bench/photos.sh     (CLIENTS=8 DURATION=30 MEGAPIXELS=12 PHOTO_MB=4 BURST=16 BIG_MB=10 PORT=8384;
#                        BUILD=debug MEGAPIXELS=2 PHOTO_MB=0.5 BIG_MB=1 DURATION=5 to try it small)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
clients=${CLIENTS:-8}
duration=${DURATION:-30}
megapixels=${MEGAPIXELS:-12}
photo_mb=${PHOTO_MB:-4}
burst=${BURST:-16}
big_mb=${BIG_MB:-10}
port=${PORT:-8384}
build=${BUILD:-release}
siang="$repo/.build/$build/siang"
[ -x "$siang" ] || swift build -c "$build" --product siang
python3 -c 'import PIL' 2> /dev/null || { echo "Pillow is needed: python3 -m pip install Pillow" >&2; exit 1; }

work=$(mktemp -d /tmp/siang-photos-XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2> /dev/null && wait "$server_pid" 2> /dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== making $clients photos of $megapixels MP (~$photo_mb MB) and one of ~$big_mb MB"
python3 - "$work" "$clients" "$megapixels" "$photo_mb" "$big_mb" << 'PY'
import io, sys
from PIL import Image, ImageDraw, ImageFilter
work, clients, megapixels, photo_mb, big_mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])

def photo(seed, pixels, target_mb):
    width = int((pixels * 4 / 3) ** 0.5); height = int(pixels / width)
    # Detail like a street scene's: shapes, edges and sensor noise, so JPEG cannot squeeze it to nothing.
    base = Image.effect_noise((width, height), 40 + seed).convert("RGB")
    draw = ImageDraw.Draw(base)
    for i in range(60):
        x, y = (i * 7919 * (seed + 1)) % width, (i * 104729 * (seed + 3)) % height
        draw.rectangle([x, y, x + width // 12, y + height // 15], fill=((i * 37) % 256, (i * 91 + seed) % 256, (i * 53) % 256))
    image = Image.blend(base, base.filter(ImageFilter.GaussianBlur(2)), 0.5)
    exif = Image.Exif(); exif[0x0112] = 6; exif[0x010F] = "BenchCam"
    best = None
    for quality in range(98, 40, -4):  # the quality that comes closest to the wanted size
        out = io.BytesIO(); image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
        if best is None or abs(out.tell() - target_mb * 1e6) < abs(len(best) - target_mb * 1e6): best = out.getvalue()
        if out.tell() <= target_mb * 1e6: break
    return best

for client in range(clients):
    open(f"{work}/photo{client}.jpg", "wb").write(photo(client, megapixels * 1e6, photo_mb))
open(f"{work}/big.jpg", "wb").write(photo(99, max(megapixels, 24) * 1e6 if big_mb > photo_mb * 2 else megapixels * 1e6, big_mb))
PY
ls -l "$work"/*.jpg | awk '{ printf "   %s %.1f MB\n", $9, $5 / 1e6 }' | sed "s|$work/||"

(cd "$work" && exec env SIANG_HOME="$repo" SIANG_PORT="$port" LOG_LEVEL=warning SIANG_RATE_LIMITS_ENABLED=false \
    SIANG_NOTIFICATIONS_DELIVERY_INTERVAL_MS=600000 SIANG_PHOTOS_MAX_BYTES=$((32 * 1024 * 1024)) \
    SIANG_PHOTOS_MAX_PIXELS=60000000 "$siang" serve > "$work/serve.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
    sleep 0.25
done
curl -sf "http://127.0.0.1:$port/readyz" > /dev/null || { cat "$work/serve.log" >&2; exit 1; }
# The siang process itself (not the env wrapper).
siang_pid=$(pgrep -P "$server_pid" -x siang || echo "$server_pid")

python3 - "$port" "$work" "$clients" "$duration" "$burst" "$siang_pid" << 'PY'
import http.client, json, os, sys, threading, time, uuid
port, work, clients, duration, burst, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
filing = json.dumps({"text": "ถนนหน้าหมู่บ้านเป็นหลุมใหญ่ รถมอไซค์ล้มไปสองคันแล้ว",
                     "area": {"province": "กรุงเทพมหานคร", "district": "บางนา"}}, ensure_ascii=False).encode()

def body(photo):
    boundary = "----siang-bench-" + uuid.uuid4().hex
    parts = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"filing\"\r\nContent-Type: application/json\r\n\r\n".encode()
             + filing + f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"IMG.JPG\"\r\n"
             f"Content-Type: image/jpeg\r\n\r\n".encode() + photo + f"\r\n--{boundary}--\r\n".encode())
    return boundary, parts

def upload(connection, photo):
    boundary, data = body(photo)
    start = time.perf_counter()
    connection.request("POST", "/api/v1/cases", data, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    response = connection.getresponse(); answer = response.read()
    if response.status != 201: raise RuntimeError(f"{response.status}: {answer[:200]!r}")
    return time.perf_counter() - start

def percentile(values, p):
    values = sorted(values); return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")

def rss(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field): return int(line.split()[1]) / 1024
    return float("nan")

# 1. Throughput.
latencies, errors, lock = [], [], threading.Lock()
deadline = time.perf_counter() + duration
def client(index):
    photo = open(f"{work}/photo{index}.jpg", "rb").read()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < deadline:
        try:
            elapsed = upload(connection, photo)
            with lock: latencies.append(elapsed)
        except Exception as error:
            with lock: errors.append(str(error))
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
started = time.perf_counter()
threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.perf_counter() - started
print(f"RESULT throughput uploads={len(latencies)} per_second={len(latencies) / elapsed:.1f} "
      f"p50_ms={percentile(latencies, 50) * 1000:.0f} p99_ms={percentile(latencies, 99) * 1000:.0f} "
      f"max_ms={max(latencies, default=float('nan')) * 1000:.0f} errors={len(errors)} clients={clients}")
if errors: print("   first error:", errors[0])

# 2. Peak memory under a burst of big uploads (VmHWM reset first: clear_refs 5).
big = open(f"{work}/big.jpg", "rb").read()
try:
    open(f"/proc/{pid}/clear_refs", "w").write("5")
except OSError:
    print("   (could not reset VmHWM; the peak below includes part 1)")
before = rss("VmRSS:")
burst_latencies, burst_errors = [], []
def big_client():
    try:
        elapsed = upload(http.client.HTTPConnection("127.0.0.1", port, timeout=120), big)
        with lock: burst_latencies.append(elapsed)
    except Exception as error:
        with lock: burst_errors.append(str(error))
threads = [threading.Thread(target=big_client) for _ in range(burst)]
for t in threads: t.start()
for t in threads: t.join()
print(f"RESULT memory burst={burst} file_mb={len(big) / 1e6:.1f} rss_before_mb={before:.0f} peak_rss_mb={rss('VmHWM:'):.0f} "
      f"slowest_ms={max(burst_latencies, default=float('nan')) * 1000:.0f} errors={len(burst_errors)}")
if burst_errors: print("   first error:", burst_errors[0])
PY
