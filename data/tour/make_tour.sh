#!/bin/sh
# make_tour.sh [CATLR [OUT]]: run the tour of README.md ("A short tour"),
# writing every model and picture into the folder OUT (default tour-out,
# which git ignores). The README shows these commands with CATLR as
# ./build/catlr and OUT as tour-out; the tour test checks that both say the
# same. The pictures committed in data/tour/ are made by
#     sh data/tour/make_tour.sh ./build/catlr data/tour
# from the repository's top folder; every other file it writes there
# (models, CSVs) is removed again.
set -eu
catlr=${1:-./build/catlr}
out=${2:-tour-out}
cd "$(dirname "$0")/../.."

# tour: the commands, one a line, as README.md shows them
mkdir -p $out
$catlr train data/train --test data/test --plot $out/cost.png -o $out/catlr.model
$catlr eval $out/catlr.model data/test --misclassified
$catlr train data/train --test data/test --lr 0.01,0.001,0.0001 --plot $out/learning-rates.png -o $out/rates.model
$catlr train data/train --test data/test --val-split 0.2 --eval-every 50 --plot $out/validation.png -o $out/val.model
$catlr weights $out/catlr.model $out/weights.png
$catlr predict --json $out/catlr.model data/test/cat/cat_001.png
# end of tour

if [ "$out" = data/tour ]; then
    rm -f data/tour/*.model
fi
