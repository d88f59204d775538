"""The image set's layout and loading, shared by every stage.

Images live in one folder per class, as torchvision's ImageFolder reads them:
data/train/<class>/*.png and data/test/<class>/*.png. CLASSES are this
template's shapes; your own classes are simply other folder names.
"""
import os

import numpy as np
import torch
from torchvision import datasets, transforms

CLASSES = ["circle", "square", "triangle"]
SIZE = 16  # images are SIZE x SIZE pixels, grayscale

TRANSFORM = transforms.Compose([transforms.Grayscale(), transforms.ToTensor()])


def image_folder(data_dir, split):
    """The labelled images of one split ("train" or "test")."""
    return datasets.ImageFolder(os.path.join(data_dir, split), transform=TRANSFORM)


def to_batch(images):
    """A float tensor (N, 1, SIZE, SIZE) in [0, 1] from SIZE x SIZE lists of 0-255 pixels."""
    pixels = np.asarray(images, dtype=np.float32) / 255.0
    if pixels.ndim != 3 or pixels.shape[1:] != (SIZE, SIZE):
        raise ValueError(f"expected images of {SIZE}x{SIZE} pixels, got an array of shape {pixels.shape}")
    return torch.from_numpy(pixels).unsqueeze(1)
