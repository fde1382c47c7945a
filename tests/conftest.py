import os
os.environ.setdefault('HF_HUB_OFFLINE', '1')      # the package must never need the network
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
