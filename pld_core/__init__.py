"""pld: pixel-level distinction video highlight detection (PLD-VHD, Wei et al., CVPR 2022)."""
import os

# OpenMP threads waiting for work sleep instead of spinning (read when torch loads): on a few
# shared cores, spinning torch threads starve the decoding thread (make bench, pld score on 2
# cores: 126 frames/s spinning, 211 sleeping).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
