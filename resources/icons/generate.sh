#!/usr/bin/env sh
# Regenerates every icon from icon.svg. Needs rsvg-convert (librsvg2-bin), ImageMagick 6/7
# (for the .ico) and png2icns (icnsutils). Run from anywhere: sh resources/icons/generate.sh
set -eu
cd "$(dirname "$0")"
IM=$(command -v magick || echo /usr/bin/convert)
mkdir -p png
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "png/${size}x${size}.png"
done
cp png/512x512.png icon.png
cp png/256x256.png icon-256.png
# Windows: one .ico with the sizes Explorer and the task bar ask for.
"$IM" png/16x16.png png/24x24.png png/32x32.png png/48x48.png png/64x64.png png/128x128.png png/256x256.png icon.ico
# macOS: .icns with 16–1024 px images.
png2icns icon.icns png/16x16.png png/32x32.png png/48x48.png png/128x128.png png/256x256.png png/512x512.png png/1024x1024.png >/dev/null
# The 24 px and 1024 px images are only inputs for the .ico and .icns.
rm png/24x24.png png/1024x1024.png
