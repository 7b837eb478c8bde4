#!/usr/bin/env bash
# The article recipe (examples/article/video.sh, issue #10 part 7) in Debian's
# headless Chromium: the printed <video> element, pasted into a page, loads the
# WebM (first source) and reports the duration and size the render asked for;
# pages with only the MP4 or only the WebM load too (the fallback plays), and
# the poster is an image of the video's size. Exits 77 (skipped) without
# Chromium. Every browser run is bounded (timeout 60 s, 10 s of virtual time).
# Needs MMR (path to the binary) and MMR_SOURCE_DIR.
set -u
: "${MMR:?set MMR to the mmr binary}"
: "${MMR_SOURCE_DIR:?set MMR_SOURCE_DIR to the checkout}"
source "$(dirname "$0")/lib.sh"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "SKIPPED: Chromium is not installed (scripts/install-deps.sh installs Debian's chromium)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# 6 steps at 10 steps/s = 0.6 s, plus a 1.5 s hold: 2.1 s at 30 fps (63 frames).
cat > anim.yaml <<'YAML'
expr: A @ B
matrices:
  A: {shape: [6, 4]}
  B: {shape: [4, 6]}
anim: {alg: mvprod, speed: 10}
YAML
if ! MMR="$MMR" bash "$MMR_SOURCE_DIR/examples/article/video.sh" anim.yaml web --size 320x180 --hold 1.5 >snippet.html 2>err; then
  bad "the recipe failed: $(cat err)"
  finish "article test"
  exit 1
fi
[ -s err ] && bad "the recipe printed on stderr: $(cat err)" || ok
for f in web/anim.webm web/anim.mp4 web/anim.png; do [ -s "$f" ] && ok || bad "$f not written"; done
# The element: WebM before MP4, the poster, the attributes, the size.
grep -q '<video width="320" height="180" poster="web/anim.png" autoplay muted loop playsinline>' snippet.html &&
  ok || bad "video element: $(head -1 snippet.html)"
[ "$(grep -n '<source' snippet.html | cut -d: -f1 | tr '\n' ' ')" = "2 3 " ] && ok || bad "sources not on lines 2-3"
# 320x180 at 30 fps is VP9 level 1.1 (57600 samples a picture, 1.7 M a second).
sed -n 2p snippet.html | grep -q "src=\"web/anim.webm\" type='video/webm; codecs=\"vp09.01.11.08\"'" && ok ||
  bad "first source is not the VP9 profile 1 WebM: $(sed -n 2p snippet.html)"
sed -n 3p snippet.html | grep -q 'src="web/anim.mp4" type="video/mp4"' && ok || bad "second source is not the MP4"

# page NAME VIDEO_HTML: a page whose script writes what the <video> reports
# (after loadeddata: the first frame is decoded; or its error) into #result, and the poster's size into #poster.
page() {
  cat >"$1" <<HTML
<!doctype html><html><head><meta charset="utf-8"><title>recipe</title></head><body>
$2
<div id="result">pending</div><div id="poster">pending</div>
<script>
const v = document.querySelector('video');
const r = document.getElementById('result');
function report(tag) {
  r.textContent = JSON.stringify({event: tag, src: (v.currentSrc || '').split('/').pop(), duration: v.duration,
                                  width: v.videoWidth, height: v.videoHeight, error: v.error ? v.error.code : 0});
}
v.addEventListener('loadeddata', () => report('loadeddata'));
v.addEventListener('error', () => report('error'), true);
if (v.readyState >= 2) report('loadeddata');
const img = new Image();
img.onload = () => { document.getElementById('poster').textContent = img.naturalWidth + 'x' + img.naturalHeight; };
img.onerror = () => { document.getElementById('poster').textContent = 'broken'; };
img.src = v.poster || 'none.png';
</script></body></html>
HTML
}
browse() {  # browse PAGE: the DOM after the page ran, at most 60 s
  local profile
  profile=$(mktemp -d "$work/profile.XXXX")
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
    --autoplay-policy=no-user-gesture-required --virtual-time-budget=10000 --dump-dom "file://$work/$1" \
    2>"$work/browser_err"
}
result_of() { browse "$1" | grep -o '<div id="result">[^<]*' | sed 's/<div id="result">//'; }

page recipe.html "$(cat snippet.html)"
dom=$(browse recipe.html)
result=$(printf '%s\n' "$dom" | grep -o '<div id="result">[^<]*' | sed 's/<div id="result">//')
[ "$result" = '{"event":"loadeddata","src":"anim.webm","duration":2.1,"width":320,"height":180,"error":0}' ] &&
  ok || bad "recipe page: $result ($(head -c 300 "$work/browser_err"))"
poster=$(printf '%s\n' "$dom" | grep -o '<div id="poster">[^<]*' | sed 's/<div id="poster">//')
[ "$poster" = 320x180 ] && ok || bad "poster: $poster"
# Each source alone loads with the same duration and size: the MP4 fallback works.
# The browser says it can play the WebM's exact type (profile 1), and H.264.
page types.html '<video></video><div id="types"></div><script>
  const t = document.getElementById("types"), w = document.createElement("video");
  t.textContent = [w.canPlayType(`video/webm; codecs="vp09.01.11.08"`), w.canPlayType("video/mp4")].join(",");
</script>'
types=$(browse types.html | grep -o '<div id="types">[^<]*' | sed 's/<div id="types">//')
[ "$types" = "probably,maybe" ] && ok || bad "canPlayType: $types"
for f in anim.mp4 anim.webm; do
  page "only-$f.html" "<video muted playsinline poster=\"web/anim.png\" src=\"web/$f\"></video>"
  result=$(result_of "only-$f.html")
  [ "$result" = "{\"event\":\"loadeddata\",\"src\":\"$f\",\"duration\":2.1,\"width\":320,\"height\":180,\"error\":0}" ] &&
    ok || bad "$f alone: $result"
done
# A file Chromium cannot play reports an error rather than a duration (the check can fail).
cp web/anim.png web/broken.mp4
page broken.html '<video muted playsinline src="web/broken.mp4"></video>'
result=$(result_of broken.html)
[[ "$result" == *'"event":"error"'* ]] && ok || bad "broken video: $result"
finish "article test"
