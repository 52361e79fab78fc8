"""Model definitions for training: classes, data sources, class mapping and input sizes.

Each source maps its raw class names (its classes.txt) to this model's class names; a raw class
mapped to None is dropped (its boxes are background for this model). `ignore` lists model classes
that are present in the source's images but NOT labelled there: the loss skips them for that
source's images instead of treating them as background.
"""

DATASET_ROOT_DEFAULT = "../shared/datasets"

FACE = {"face": "face", "person": None}
FACE_NONE = {"face": None, "person": None}
PLATES_PRIV = {"license_plate": "license_plate", "vehicle": None}
RDD_PRIV = {"pothole": None, "longitudinal_crack": None, "transverse_crack": None,
            "alligator_crack": None}

SIGNS_PRIV = {"speed_limit_sign": None, "stop_sign": None, "crosswalk_sign": None,
              "traffic_light": None}

PLATES_STREET = {"license_plate": "license_plate", "vehicle": "vehicle"}
ROAD_STREET = {"pothole": "pothole", "longitudinal_crack": "road_crack",
               "transverse_crack": "road_crack", "alligator_crack": "road_crack"}
SIGNS_STREET = {"speed_limit_sign": "traffic_sign", "stop_sign": "traffic_sign",
                "crosswalk_sign": "traffic_sign", "traffic_light": "traffic_light"}

MODELS = {
    "privacy": {
        "classes": ["face", "license_plate", "person"],
        # Person boxes come from a COCO teacher (training/pseudo_label.py -> <data>/persons.json)
        # for every image of every source below; without that file the person class is ignored.
        "persons": "persons.json",
        "sources": {
            "privacy/kaggle-face-mask-detection": {"map": FACE, "ignore": ["license_plate"]},
            # NOT used: privacy/roboflow-mask-wearing. Its stored boxes do not lie on the faces
            # (checked by eye on validation images: portrait photos have boxes on the torso and
            # background, as if the original EXIF rotation was lost); the same photos are in
            # kaggle-face-mask-detection with correct boxes.
            "privacy/roboflow-face-detection-mik1i": {"map": FACE, "ignore": []},
            # Plates are the scarcer, harder class: their images are drawn twice as often.
            "license_plates/openimages_google_licence_plates": {"map": PLATES_PRIV, "ignore": ["face"],
                                                                 "weight": 2.0},
            "license_plates/openimages_samrat_license_plates_vehicles": {"map": PLATES_PRIV, "ignore": ["face"],
                                                                         "weight": 2.0},
            # RDD2022 Czech: faces and plates were blurred by its authors -> pure negatives.
            "road_damage/rdd2022_czech_ccbysa": {"map": RDD_PRIV, "ignore": []},
            # Sign panels look like plates (white, black text, a border): hard negatives for
            # faces and plates (v2: in the main stage; v1 used them in a fine-tuning stage only).
            "traffic_signs/kaggle_road_sign_detection_cc0": {"map": SIGNS_PRIV, "ignore": []},
        },
        "train_size": 512,          # square training crops
        "export_size": (960, 544),  # W, H of the exported graph (1920x1080 / 2, letterboxed)
        "width": 1.5,               # 1.0 M parameters; 1.25 (0.7 M) had 2 points less plate AP
        "scale_range": (0.5, 3.0),  # zoom range: close-up plates as well as distant ones
        "motion_blur": 0.2,         # share of images with a linear motion blur (moving vehicle)
        # v2.2: share of images whose persons' heads are blurred as the anonymizer's `head` mode
        # does, so that the person class also finds the people of anonymized images
        "head_blur": 0.35,
    },
    "street": {
        "classes": ["vehicle", "license_plate", "pothole", "road_crack", "traffic_sign",
                    "traffic_light"],
        "sources": {
            "license_plates/openimages_samrat_license_plates_vehicles": {"map": PLATES_STREET, "ignore": []},
            "license_plates/openimages_google_licence_plates": {"map": PLATES_STREET, "ignore": ["vehicle"]},
            "road_damage/roboflow_pothole_segmentation_farzad": {"map": ROAD_STREET, "ignore": ["road_crack"]},
            "road_damage/rdd2022_czech_ccbysa": {"map": ROAD_STREET,
                                                 "ignore": ["vehicle", "license_plate", "traffic_sign",
                                                            "traffic_light"]},
            "traffic_signs/kaggle_road_sign_detection_cc0": {"map": SIGNS_STREET,
                                                             "ignore": ["vehicle", "license_plate"]},
            # Negatives: indoor webcam frames (nothing of ours in them) and street photos of
            # people (no road damage labelled; vehicles, plates and signs may appear -> ignored).
            "privacy/roboflow-face-detection-mik1i": {"map": FACE_NONE, "ignore": []},
            "privacy/kaggle-face-mask-detection": {"map": FACE_NONE,
                                                   "ignore": ["vehicle", "license_plate",
                                                              "traffic_sign", "traffic_light"]},
        },
        # Vehicles of the sources that do not label them (road photos, sign photos, street scenes)
        # come from a COCO teacher (training/pseudo_label.py --target vehicle -> <data>/vehicles.json)
        "vehicles": "vehicles.json",
        "train_size": 416,
        "export_size": (768, 448),
        "width": 1.25,
    },
}

# Defaults of the optional per-model keys above.
DEFAULT_SCALE_RANGE = (0.5, 2.2)
DEFAULT_MOTION_BLUR = 0.0

# Boxes known to be wrong in the upstream data, dropped from training and validation alike:
# "<source>/<stem>" -> (class, reason). Checked by eye; add one only with the reason.
ERRATA = {
    "license_plates/openimages_google_licence_plates/3e7c8221d2a4a325":
        ("license_plate", "a company sticker on a car door (Hebrew text, logo) labelled as a plate"),
}

VAL_FRACTION = 0.15
SPLIT_SALT = "tilsyn-split-v1"


def part_of(entry):
    """"train", or for held-out images "tune" (model and threshold choice) or "test" (reported
    only, chosen by nothing): the half of the validation split whose image id (SHA-1 hex, see
    prepare_data.py) is below 8000... is tune, the rest test. calibrate_thresholds.py halves a set
    by sorted id in the same spirit."""
    if entry["split"] != "val":
        return "train"
    return "tune" if int(entry["id"][:8], 16) < 0x80000000 else "test"


def in_part(entry, part):
    """part: train, val (tune + test), tune or test."""
    p = part_of(entry)
    return p == part or (part == "val" and p in ("tune", "test"))


def labels_class(src, c):
    """Whether a source's own labels cover model class c (it maps a raw class to it and does not
    ignore it); where they do not, a teacher's labels may (pseudo_label.py, train.py)."""
    return c in src["map"].values() and c not in src["ignore"]


def kept_boxes(entry):
    """The raw boxes of an index entry (prepare_data.py) without those listed in ERRATA."""
    bad = ERRATA.get(f"{entry['source']}/{entry['stem']}")
    return [b for b in entry["boxes"] if bad is None or b[0] != bad[0]]
