import random

import numpy as np
import pytest

import make_data
import validate_data
from dataset import CLASSES, SIZE, image_folder, to_batch


def test_drawing_is_deterministic():
    first = np.asarray(make_data.draw("triangle", random.Random(3)))
    assert first.shape == (SIZE, SIZE)
    assert (first == np.asarray(make_data.draw("triangle", random.Random(3)))).all()


def test_the_image_set_has_every_class_in_both_splits(data_dir):
    train, test = image_folder(data_dir, "train"), image_folder(data_dir, "test")
    assert train.classes == sorted(CLASSES) and test.classes == sorted(CLASSES)
    assert len(train) == 60 * len(CLASSES) and len(test) == 20 * len(CLASSES)
    image, _ = train[0]
    assert tuple(image.shape) == (1, SIZE, SIZE)


def test_requests_of_the_wrong_size_are_refused():
    assert tuple(to_batch([[[0] * SIZE] * SIZE]).shape) == (1, 1, SIZE, SIZE)
    with pytest.raises(ValueError, match="expected images of 16x16 pixels"):
        to_batch([[[0] * 8] * 8])


def test_the_drawn_image_set_is_valid(data_dir):
    assert validate_data.main(["--data-dir", str(data_dir)]) == 0


def test_bad_images_and_missing_classes_are_reported(tmp_path):
    for label in CLASSES[:2]:
        (tmp_path / "train" / label).mkdir(parents=True)
    make_data.draw("circle", random.Random(1)).resize((8, 8)).save(tmp_path / "train" / "circle" / "small.png")
    (tmp_path / "train" / "circle" / "notes.txt").write_text("not a picture")
    (tmp_path / "train" / "misc").mkdir()
    assert validate_data.check_split(tmp_path / "train", min_per_class=1) == [
        "circle/notes.txt: not an image",
        "circle/small.png: 8x8 pixels, not 16x16",
        "square: 0 images, fewer than 1",
        "triangle: 0 images, fewer than 1",
        "folders that are not classes: misc",
    ]
    assert validate_data.main(["--data-dir", str(tmp_path)]) == 1
