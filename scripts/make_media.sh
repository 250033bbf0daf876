#!/usr/bin/env bash
# Make the lab guest's media (xentui/data/*.ogg) with Debian's ffmpeg (libtheora, libvorbis).
# A synthetic test pattern and tone compress to almost nothing, so the encoders run at a fixed
# bitrate (min = max = target) and the tone is mixed with pink noise: the clips then have the
# steady bitrate of real media. The lab serves each clip in an endless chained loop, so they
# stay short. Output is bit-exact for a given ffmpeg build (fixed serials, no encoder stamps).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-xentui/data}"
mkdir -p "$out"
common=(-hide_banner -loglevel error -y)
out_opts=(-fflags +bitexact -map_metadata -1)

# Theora + Vorbis test pattern, ~390 kbit/s, 10 s (the seed played a small video clip).
ffmpeg "${common[@]}" \
  -f lavfi -i "testsrc2=size=320x240:rate=25" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.2:sample_rate=44100:seed=7" \
  -filter_complex "[1:a][2:a]amix=inputs=2[a]" -map 0:v -map "[a]" -t 10 \
  -c:v libtheora -b:v 320k -minrate 320k -maxrate 320k -flags:v +bitexact \
  -c:a libvorbis -b:a 64k -minrate 64k -maxrate 64k -ac 2 -flags:a +bitexact \
  -metadata title="TruthHappens (xentui test pattern)" \
  "${out_opts[@]}" -serial_offset 1000 "$out/TruthHappens.ogg"

# Vorbis only, 64 kbit/s, 20 s: the audio-only variant.
ffmpeg "${common[@]}" \
  -f lavfi -i "sine=frequency=330:sample_rate=44100" \
  -f lavfi -i "anoisesrc=color=pink:amplitude=0.2:sample_rate=44100:seed=11" \
  -filter_complex "[0:a][1:a]amix=inputs=2[a]" -map "[a]" -t 20 \
  -c:a libvorbis -b:a 64k -minrate 64k -maxrate 64k -ac 2 -flags:a +bitexact \
  -metadata title="TruthHappens (xentui tone)" \
  "${out_opts[@]}" -serial_offset 2000 "$out/TruthHappens-audio.ogg"

ls -l "$out"/*.ogg
