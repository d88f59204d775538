"""Train the image classifier on data/train/ and save it to outputs/."""
import argparse
import json
import os

import torch
from torch import nn
from torch.utils.data import DataLoader

from dataset import image_folder
from model import ShapeNet


def train(data_dir, epochs=8, learning_rate=0.01, seed=0):
    """Fit a ShapeNet on data_dir/train; return (model, class names)."""
    torch.manual_seed(seed)
    images = image_folder(data_dir, "train")
    loader = DataLoader(images, batch_size=32, shuffle=True)
    model = ShapeNet(len(images.classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_function = nn.CrossEntropyLoss()
    model.train()
    for _ in range(epochs):
        for batch, labels in loader:
            optimizer.zero_grad()
            loss_function(model(batch), labels).backward()
            optimizer.step()
    return model.eval(), images.classes


def save(model, classes, model_dir):
    """Write model.pt (the weights) and classes.json to model_dir."""
    os.makedirs(model_dir, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(model_dir, "model.pt"))
    with open(os.path.join(model_dir, "classes.json"), "w", encoding="utf-8") as f:
        json.dump(classes, f)


def load(model_dir):
    """Read what save() wrote; return (model, class names)."""
    with open(os.path.join(model_dir, "classes.json"), encoding="utf-8") as f:
        classes = json.load(f)
    model = ShapeNet(len(classes))
    model.load_state_dict(torch.load(os.path.join(model_dir, "model.pt")))
    return model.eval(), classes


def main(argv=None):
    """Train and write the model to the model folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--model-dir", default="outputs")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--learning-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    model, classes = train(args.data_dir, args.epochs, args.learning_rate, args.seed)
    save(model, classes, args.model_dir)
    print(f"trained a {len(classes)}-class image classifier: {args.model_dir}")


if __name__ == "__main__":
    main()
