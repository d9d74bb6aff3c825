#!/usr/bin/env bash
# wgan eval and wgan classifier train, end to end: a real sample lands within
# sampling noise of the floor and uniform noise far above it, for images (IDX)
# and points (CSV); the Fréchet distance with a tiny classifier; bad inputs.
set -u
W=${WGAN_BIN:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
FM=/usr/share/datasets/fashion-mnist
ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
# json KEY FILE: the number after "KEY": in a one-line JSON object.
json() { sed -n "s/.*\"$1\":\([-0-9.eE+]*\).*/\1/p" "$2"; }
# An IDX header for n 28x28 images.
idx_header() { printf '\x00\x00\x08\x03'; printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; printf '\x00\x00\x00\x1c\x00\x00\x00\x1c'; }
echo "seed 1 (eval --seed default; awk srand(7) for the noise files)"

# 400 real training images (from the middle of the set: disjoint from what eval draws
# only by chance, 400 of 60000) and 400 images of uniform noise, deterministic.
n=400
{ idx_header $n; zcat $FM/train-images-idx3-ubyte.gz | tail -c +$((16 + 784 * 30000 + 1)) | head -c $((784 * n)); } >"$T/real.idx"
{ idx_header $n; LC_ALL=C awk -v k=$((784 * n)) 'BEGIN { srand(7); for (i = 0; i < k; i++) printf "%c", int(rand() * 256) }'; } >"$T/noise.idx"

# Images without a classifier: W1 only, a note on stderr that says how to make one.
(cd "$T" && env -u WGAN_CLASSIFIER "$W" eval --samples real.idx --data fashion-mnist --json >real.json 2>real.err)
rc=$?
w1=$(json w1 "$T/real.json"); fl=$(json w1_floor "$T/real.json"); nn=$(json n "$T/real.json")
if [ $rc -eq 0 ] && [ "$nn" = 400 ] && awk -v a="$w1" -v b="$fl" 'BEGIN { exit !(a > 0.9 * b && a < 1.1 * b) }'; then
  ok eval_images_real_near_floor
else fail eval_images_real_near_floor "rc $rc n $nn w1 $w1 floor $fl"; fi
if grep -q "wgan classifier train" "$T/real.err" && ! grep -q frechet "$T/real.json"; then ok eval_no_classifier_note
else fail eval_no_classifier_note "$(cat "$T/real.err")"; fi

(cd "$T" && env -u WGAN_CLASSIFIER "$W" eval --samples noise.idx --data fashion-mnist --json >noise.json 2>/dev/null)
w1n=$(json w1 "$T/noise.json"); fln=$(json w1_floor "$T/noise.json")
if [ "$fln" = "$fl" ] && awk -v a="$w1n" -v b="$fl" 'BEGIN { exit !(a > 2 * b) }'; then ok eval_images_noise_far
else fail eval_images_noise_far "w1 $w1n floor $fln (real floor $fl)"; fi

# A tiny classifier, then the Fréchet distance: noise far above both real figures (at n = 400
# the distance between two real samples varies by a factor of several, so no closer test).
"$W" classifier train --out "$T/cls.safetensors" --limit 1000 --epochs 1 --threads 2 >"$T/cls.out" 2>"$T/cls.err"
rc=$?
acc=$(sed -n 's/^test accuracy \([0-9.]*\)%.*/\1/p' "$T/cls.out")
if [ $rc -eq 0 ] && [ -s "$T/cls.safetensors" ] && awk -v a="$acc" 'BEGIN { exit !(a > 30) }'; then ok classifier_train_tiny
else fail classifier_train_tiny "rc $rc accuracy '$acc' $(cat "$T/cls.err")"; fi
WGAN_CLASSIFIER="$T/cls.safetensors" "$W" eval --samples "$T/real.idx" --data fashion-mnist --json >"$T/fr.json" 2>"$T/fr.err"
WGAN_CLASSIFIER="$T/cls.safetensors" "$W" eval --samples "$T/noise.idx" --data fashion-mnist --json >"$T/fn.json" 2>>"$T/fr.err"
fr=$(json frechet "$T/fr.json"); ff=$(json frechet_floor "$T/fr.json"); fn=$(json frechet "$T/fn.json")
if [ -n "$fr" ] && awk -v r="$fr" -v f="$ff" -v z="$fn" 'BEGIN { exit !(z > 20 * r && z > 20 * f) }'; then ok eval_frechet
else fail eval_frechet "real $fr floor $ff noise $fn: $(cat "$T/fr.err")"; fi
"$W" eval --samples "$T/real.idx" --data fashion-mnist --classifier "$T/cls.safetensors" -n 100 >"$T/text.out" 2>&1
if grep -q "^W1 floor" "$T/text.out" && grep -q "not Inception FID" "$T/text.out"; then ok eval_text_output
else fail eval_text_output "$(cat "$T/text.out")"; fi

# Points: 8gaussians drawn here (Box-Muller), and uniform noise, as CSV.
LC_ALL=C awk 'BEGIN { srand(3); s = 1.414; for (i = 0; i < 1000; i++) { k = int(rand() * 8); a = k * 3.14159265358979 / 4;
  u = rand(); v = rand(); r = sqrt(-2 * log(1 - u)); printf "%.6f,%.6f\n", (2 * cos(a) + 0.02 * r * cos(6.2831853 * v)) / s, (2 * sin(a) + 0.02 * r * sin(6.2831853 * v)) / s } }' >"$T/toy.csv"
LC_ALL=C awk 'BEGIN { srand(4); for (i = 0; i < 1000; i++) printf "%.6f,%.6f\n", 4 * rand() - 2, 4 * rand() - 2 }' >"$T/unif.csv"
"$W" eval --samples "$T/toy.csv" --data 8gaussians --json >"$T/toy.json" 2>"$T/toy.err"
w1=$(json w1 "$T/toy.json"); fl=$(json w1_floor "$T/toy.json"); cov=$(json modes_covered "$T/toy.json")
if [ "$cov" = 8 ] && awk -v a="$w1" -v b="$fl" 'BEGIN { exit !(a < 2 * b) }'; then ok eval_points_real
else fail eval_points_real "modes $cov w1 $w1 floor $fl $(cat "$T/toy.err")"; fi
"$W" eval --samples "$T/unif.csv" --data 8gaussians --json >"$T/unif.json" 2>&1
w1=$(json w1 "$T/unif.json"); near=$(json within_3sigma "$T/unif.json")
if awk -v a="$w1" -v b="$fl" -v s="$near" 'BEGIN { exit !(a > 5 * b && s < 0.1) }'; then ok eval_points_noise
else fail eval_points_noise "w1 $w1 floor $fl near $near"; fi

# The figures beside W1 on points; the error bars the same for one thread and two
# (repetition r is a function of (seed, r) alone, each solve single-threaded), and
# holding the repetitions' mean.
"$W" eval --samples "$T/toy.csv" --data 8gaussians -n 300 --bootstrap 6 --threads 1 --json >"$T/b1.json" 2>&1
"$W" eval --samples "$T/toy.csv" --data 8gaussians -n 300 --bootstrap 6 --threads 2 --json >"$T/b2.json" 2>&1
m=$(json w1_mean "$T/b1.json"); lo=$(json w1_lo "$T/b1.json"); hi=$(json w1_hi "$T/b1.json"); sd=$(json w1_std "$T/b1.json")
fm=$(json w1_floor_mean "$T/b1.json"); reps=$(json bootstrap "$T/b1.json")
boot_keys() { tr ',' '\n' <"$1" | grep -E '^"w1_(floor_)?(mean|std|se|lo|hi)"'; }
if [ "$(boot_keys "$T/b1.json" | wc -l)" = 10 ] && [ "$(boot_keys "$T/b1.json")" = "$(boot_keys "$T/b2.json")" ] && [ "$reps" = 6 ] && grep -q '"bootstrap_interval":"percentile' "$T/b1.json" &&
   awk -v m="$m" -v lo="$lo" -v hi="$hi" -v s="$sd" -v f="$fm" 'BEGIN { exit !(lo <= m && m <= hi && s > 0 && f > 0 && m < 2 * f) }'; then
  ok eval_bootstrap_threads_identical
else fail eval_bootstrap_threads_identical "$(cat "$T/b1.json"; diff <(boot_keys "$T/b1.json") <(boot_keys "$T/b2.json"))"; fi
sw=$(json sliced_w "$T/b1.json"); swf=$(json sliced_w_floor "$T/b1.json"); e=$(json energy "$T/b1.json")
p=$(json precision "$T/b1.json"); r=$(json recall "$T/b1.json")
"$W" eval --samples "$T/unif.csv" --data 8gaussians -n 300 --json >"$T/u.json" 2>&1
swu=$(json sliced_w "$T/u.json"); eu=$(json energy "$T/u.json"); pu=$(json precision "$T/u.json")
if awk -v a="$sw" -v b="$swf" -v u="$swu" -v e="$e" -v eu="$eu" -v p="$p" -v r="$r" -v pu="$pu" \
     'BEGIN { exit !(a < 1.5 * b && u > 1.5 * a && eu > 3 * e && p > 0.8 && r > 0.8 && pu < 0.3) }'; then ok eval_points_sliced_energy_pr
else fail eval_points_sliced_energy_pr "sliced $sw floor $swf noise $swu energy $e noise $eu P $p R $r noise P $pu"; fi
# A run's generator: each repetition draws new samples, so the W1 values spread
# (a collapsed early generator: far above the floor's interval).
"$W" eval "$(dirname "$0")/data/checkpoint-v1-8gaussians-gp.safetensors" -n 200 --bootstrap 4 --json >"$T/g.json" 2>&1
gsd=$(json w1_std "$T/g.json"); glo=$(json w1_lo "$T/g.json"); fhi=$(json w1_floor_hi "$T/g.json")
if awk -v s="$gsd" -v lo="$glo" -v f="$fhi" 'BEGIN { exit !(s > 0 && lo > f) }'; then ok eval_generator_bootstrap
else fail eval_generator_bootstrap "$(cat "$T/g.json")"; fi
# Images with the classifier: KID and precision/recall in its features, each with its floor.
WGAN_CLASSIFIER="$T/cls.safetensors" "$W" eval --samples "$T/noise.idx" --data fashion-mnist -n 200 --kid-subsets 20 >"$T/kn.out" 2>&1
if grep -q "^KID .*std over 20 subsets of 100" "$T/kn.out" && grep -q "^precision .*classifier features" "$T/kn.out" &&
   grep -q "^sliced W1" "$T/kn.out" && grep -q "^energy .*pixel space" "$T/kn.out"; then ok eval_images_kid_pr_text
else fail eval_images_kid_pr_text "$(cat "$T/kn.out")"; fi

# Bad inputs: one line on stderr, exit 2, nothing on stdout.
bad() { # NAME PATTERN ARGS...
  local name=$1 pat=$2; shift 2
  "$W" "$@" >"$T/bad.out" 2>"$T/bad.err"
  local rc=$?
  if [ $rc -eq 2 ] && [ ! -s "$T/bad.out" ] && [ "$(wc -l <"$T/bad.err")" -eq 1 ] && grep -q "^wgan [a-z]*: .*$pat" "$T/bad.err"; then ok "$name"
  else fail "$name" "rc $rc stdout '$(head -c 200 "$T/bad.out")' stderr '$(cat "$T/bad.err")'"; fi
}
bad bad_missing_samples "$T/none.idx" eval --samples "$T/none.idx" --data fashion-mnist
bad bad_no_data "--data" eval --samples "$T/real.idx"
bad bad_unknown_data "nope" eval --samples "$T/real.idx" --data nope
bad bad_dimension "dimension 784" eval --samples "$T/real.idx" --data 8gaussians
head -c 100 "$T/real.idx" >"$T/short.idx"
bad bad_truncated_idx "short.idx" eval --samples "$T/short.idx" --data fashion-mnist
printf '1,2\n3,x\n' >"$T/bad.csv"
bad bad_csv "bad.csv" eval --samples "$T/bad.csv" --data 8gaussians
head -c 300 "$T/cls.safetensors" >"$T/cut.safetensors"
bad bad_classifier_file "cut.safetensors" eval --samples "$T/real.idx" --data fashion-mnist --classifier "$T/cut.safetensors"
bad bad_classifier_missing "absent.safetensors" eval --samples "$T/real.idx" --data fashion-mnist --classifier "$T/absent.safetensors"
bad bad_checkpoint_missing "norun: cannot open" eval "$T/norun"
bad bad_n "-n" eval --samples "$T/real.idx" --data fashion-mnist -n 1
bad bad_classifier_out "--out" classifier train --epochs 1
bad bad_bootstrap "--bootstrap" eval --samples "$T/toy.csv" --data 8gaussians --bootstrap -1
bad bad_sliced_p "--sliced-p" eval --samples "$T/toy.csv" --data 8gaussians --sliced-p 0.5
bad bad_kid_subset "subset size 900" eval --samples "$T/real.idx" --data fashion-mnist -n 100 --classifier "$T/cls.safetensors" --kid-subset-size 900
bad bad_pr_k "k = 200" eval --samples "$T/toy.csv" --data 8gaussians -n 150 --pr-k 200
exit 0
