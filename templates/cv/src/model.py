"""A small convolutional network for SIZE x SIZE grayscale images."""
from torch import nn

from dataset import SIZE


class ShapeNet(nn.Module):
    """Two convolution blocks and a linear classifier: a few thousand weights."""

    def __init__(self, classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Linear(16 * (SIZE // 4) ** 2, classes)

    def forward(self, x):
        """Class scores (logits) for a batch (N, 1, SIZE, SIZE)."""
        return self.classifier(self.features(x).flatten(1))
