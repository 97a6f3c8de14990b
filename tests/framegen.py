"""Realistic 1280x720 test frames and short videos of QR codes and barcodes held up to a counter camera.

A code is drawn onto a carrier (a phone screen or an ID card), the carrier is placed in a desk scene with
rotation and perspective, and then the scene gets one camera condition: blur, noise, glare, low light or
partial occlusion. Any payload text can be fed in, so real certificates can replace the placeholder
`GD1:` texts once they exist. Videos go through cv2.VideoWriter (MJPG in .avi), as a USB camera delivers.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import segno
import zxingcpp

FRAME_SIZE = (1280, 720)
PAYLOAD_SIZES = (100, 400, 1000)
BACKGROUNDS = ("phone", "card")
CONDITIONS = ("plain", "perspective", "rotation", "blur", "noise", "glare", "low_light", "occlusion")
BASE45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
LINEAR_FORMATS = {
    "code128": zxingcpp.BarcodeFormat.Code128,
    "code39": zxingcpp.BarcodeFormat.Code39,
    "ean13": zxingcpp.BarcodeFormat.EAN13,
}


def base45_encode(data: bytes) -> str:
    """Encode bytes as base45 text (RFC 9285)."""
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = n % 45, n // 45
        d, e = n % 45, n // 45
        out += [BASE45_ALPHABET[c], BASE45_ALPHABET[d], BASE45_ALPHABET[e]]
    if len(data) % 2:
        n = data[-1]
        out += [BASE45_ALPHABET[n % 45], BASE45_ALPHABET[n // 45]]
    return "".join(out)


def certificate_text(size: int, seed: int | None = None, prefix: str = "GD1:") -> str:
    """Return `prefix` + base45 text, exactly `size` characters long, standing in for a certificate."""
    rng = np.random.default_rng(seed if seed is not None else secrets.randbits(32))
    body = base45_encode(rng.bytes(size))
    return (prefix + body)[:size]


def qr_image(text: str, module_px: int) -> np.ndarray:
    """Render `text` as a QR code (alphanumeric mode when it fits, ECC level M), 4-module quiet zone, gray."""
    mode = "alphanumeric" if all(ch in BASE45_ALPHABET for ch in text) else None
    qr = segno.make_qr(text, error="m", mode=mode, boost_error=False)
    matrix = np.array([list(row) for row in qr.matrix], dtype=np.uint8)
    matrix = np.pad(matrix, 4)
    image = np.where(matrix == 1, 0, 255).astype(np.uint8)
    return cv2.resize(image, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)


def qr_modules(text: str) -> int:
    """Return the side of the QR code for `text` in modules, quiet zone included."""
    mode = "alphanumeric" if all(ch in BASE45_ALPHABET for ch in text) else None
    return segno.make_qr(text, error="m", mode=mode, boost_error=False).symbol_size(border=4)[0]


def linear_image(text: str, symbology: str, module_px: int = 3) -> np.ndarray:
    """Render a 1D barcode (code128, code39 or ean13) with quiet zones, gray, bars `module_px` wide."""
    barcode = zxingcpp.create_barcode(text, LINEAR_FORMATS[symbology])
    image = np.asarray(barcode.to_image(scale=module_px, add_quiet_zones=True))
    return np.ascontiguousarray(image[: max(60, image.shape[0] // 2)], dtype=np.uint8)


@dataclass
class Code:
    """One code to place in a frame: its payload text and symbology."""

    text: str
    symbology: str = "qr"


@dataclass
class GeneratedFrame:
    """A rendered BGR frame and what it holds."""

    image: np.ndarray
    codes: list[Code]
    background: str
    condition: str
    polygons: list[np.ndarray] = field(default_factory=list)

    @property
    def payload_size(self) -> int:
        """Length of the first code's payload (0 when the frame holds no code)."""
        return len(self.codes[0].text) if self.codes else 0


def code_image(code: Code, target_px: float) -> np.ndarray:
    """Render a code so its long side is close to `target_px` pixels, on whole-pixel modules."""
    if code.symbology == "qr":
        modules = qr_modules(code.text)
        return qr_image(code.text, max(2, round(target_px / modules)))
    raw = linear_image(code.text, code.symbology, 1)
    return linear_image(code.text, code.symbology, max(2, round(target_px / raw.shape[1])))


def desk_background(rng: np.random.Generator, size: tuple[int, int] = FRAME_SIZE) -> np.ndarray:
    """A counter-top scene: a lit gradient, a wood-like texture and a few objects."""
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    base = rng.uniform(90, 170)
    light = base + 40 * np.sin(xs / width * rng.uniform(1, 3) + rng.uniform(0, 6)) - 30 * ys / height
    grain = 8 * np.sin(ys / rng.uniform(3, 9) + 3 * np.sin(xs / 150))
    tint = rng.uniform(0.8, 1.1, size=3).astype(np.float32)
    scene = np.clip((light + grain)[..., None] * tint, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(2, 5))):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(rng.integers(60, 300)), int(rng.integers(40, 200))
        color = tuple(int(c) for c in rng.integers(20, 230, size=3))
        cv2.rectangle(scene, (x, y), (x + w, y + h), color, -1)
    return scene


def phone_carrier(code: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int]]:
    """Put a code on a phone-like screen with a bezel; return the BGR carrier and the code's top-left corner."""
    side = code.shape[1]
    width, height = int(side * 1.3), int(side * 2.0)
    carrier = np.full((height, width, 3), 25, np.uint8)
    bezel = max(6, side // 25)
    screen = (245 - rng.integers(0, 20), 245 - rng.integers(0, 10), 255 - rng.integers(0, 10))
    cv2.rectangle(carrier, (bezel, bezel * 3), (width - bezel, height - bezel * 3), tuple(int(c) for c in screen), -1)
    cv2.rectangle(carrier, (bezel, bezel * 3), (width - bezel, bezel * 3 + side // 10), (90, 60, 40), -1)
    top = (width - side) // 2, int(height * 0.22)
    carrier[top[1] : top[1] + code.shape[0], top[0] : top[0] + side] = code[..., None]
    for line in range(3):
        y = top[1] + code.shape[0] + side // 12 + line * side // 12
        cv2.rectangle(carrier, (top[0], y), (top[0] + int(side * rng.uniform(0.4, 1)), y + side // 30), (80,) * 3, -1)
    return carrier, top


def card_carrier(code: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int]]:
    """Put a code on an ID-card-like plate: pastel gradient, guilloche lines, photo box and text."""
    side = code.shape[1]
    card_h = int(max(code.shape[0] * 1.25, side * 0.9))
    card_w = int(max(card_h * 1.586, side * 2.3))
    xs = np.linspace(0, 1, card_w, dtype=np.float32)
    hue = rng.uniform(0, 1, size=3).astype(np.float32)
    row = (200 + 40 * np.outer(xs, hue)).clip(0, 255)
    carrier = np.repeat(row[None, :, :], card_h, axis=0).astype(np.uint8)
    for k in range(12):
        pts = [
            (int(x), int(card_h / 2 + card_h / 3 * np.sin(x / card_w * 6.28 * 2 + k / 2))) for x in range(0, card_w, 8)
        ]
        cv2.polylines(carrier, [np.array(pts, np.int32)], False, (170, 150, 190), 1, cv2.LINE_AA)
    photo = int(card_h * 0.55)
    cv2.rectangle(
        carrier, (card_h // 10, card_h // 5), (card_h // 10 + photo * 3 // 4, card_h // 5 + photo), (120, 110, 100), -1
    )
    cv2.putText(
        carrier, "RESIDENT CARD", (card_h // 10, card_h // 8), cv2.FONT_HERSHEY_SIMPLEX, card_h / 500, (60, 40, 40), 2
    )
    top = (card_w - side - card_h // 12, (card_h - code.shape[0]) // 2)
    carrier[top[1] : top[1] + code.shape[0], top[0] : top[0] + side] = code[..., None]
    return carrier, top


def _place(
    scene: np.ndarray,
    carrier: np.ndarray,
    pivot: tuple[float, float],
    pose: Pose,
    rng: np.random.Generator,
) -> np.ndarray:
    """Warp `carrier` into `scene` so its `pivot` lands on the pose's center; return the 3x3 homography."""
    h, w = carrier.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    rad = np.deg2rad(pose.angle)
    rot = np.array([[np.cos(rad), -np.sin(rad)], [np.sin(rad), np.cos(rad)]], np.float32)
    corners = (src - pivot) @ rot.T
    corners += rng.uniform(-pose.skew, pose.skew, size=(4, 2)).astype(np.float32) * pose.code_px
    center = pose.center
    dst = (corners + center).astype(np.float32)
    homography = cv2.getPerspectiveTransform(src, dst)
    size = (scene.shape[1], scene.shape[0])
    warped = cv2.warpPerspective(carrier, homography, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), homography, size, flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255)[..., None]
    scene[:] = (warped * alpha + scene * (1 - alpha)).astype(np.uint8)
    return homography


def _apply_condition(
    frame: np.ndarray, condition: str, polygon: np.ndarray, module_px: float, rng: np.random.Generator
) -> np.ndarray:
    """Apply one camera condition to the whole frame, given where the code sits."""
    out = frame.astype(np.float32)
    center = polygon.mean(axis=0)
    side = float(np.linalg.norm(polygon[1] - polygon[0]))
    if condition == "blur":
        out = cv2.GaussianBlur(out, (0, 0), sigmaX=max(0.6, 0.35 * module_px))
    elif condition == "noise":
        out += rng.normal(0, rng.uniform(10, 16), size=out.shape).astype(np.float32)
    elif condition == "glare":
        ys, xs = np.mgrid[0 : frame.shape[0], 0 : frame.shape[1]].astype(np.float32)
        gx, gy = center + rng.uniform(-0.3, 0.3, size=2) * side
        spread = side * rng.uniform(0.12, 0.2)
        out += (110 * np.exp(-((xs - gx) ** 2 + (ys - gy) ** 2) / (2 * spread**2)))[..., None]
    elif condition == "low_light":
        out = 255 * (out / 255) ** 1.4 * rng.uniform(0.25, 0.35)
        out += rng.normal(0, 3, size=out.shape).astype(np.float32)
    elif condition == "occlusion":
        # A thumb over the corner that holds no finder pattern, covering well under the ECC budget.
        corner = polygon[2] + (polygon[0] - polygon[2]) * 0.07
        axes = (int(side * 0.16), int(side * 0.08))
        angle = float(np.degrees(np.arctan2(*(polygon[2] - polygon[3])[::-1])))
        cv2.ellipse(out, (int(corner[0]), int(corner[1])), axes, angle + 45, 0, 360, (120, 150, 200), -1)
    out += rng.normal(0, 2.0, size=out.shape).astype(np.float32)  # every sensor has some noise
    return np.clip(out, 0, 255).astype(np.uint8)


@dataclass
class Pose:
    """Where and how a carrier is held: center, rotation, perspective skew and code size."""

    center: tuple[float, float]
    angle: float
    skew: float
    code_px: float


def random_pose(condition: str, code: Code, rng: np.random.Generator, size: tuple[int, int] = FRAME_SIZE) -> Pose:
    """Pick a legible pose for `condition`: modules 3-5 px wide, any angle only for 'rotation'."""
    modules = qr_modules(code.text) if code.symbology == "qr" else 100
    code_px = min(480.0, modules * rng.uniform(3.4, 5.0)) if code.symbology == "qr" else rng.uniform(380, 480)
    angle = rng.uniform(0, 360) if condition == "rotation" else rng.uniform(-8, 8)
    skew = rng.uniform(0.07, 0.12) if condition == "perspective" else rng.uniform(0.0, 0.03)
    margin = code_px * 0.72 if code.symbology == "qr" else code_px * 0.6
    center = (
        rng.uniform(margin, size[0] - margin),
        rng.uniform(min(margin, size[1] / 2), max(size[1] - margin, size[1] / 2)),
    )
    return Pose(center, angle, skew, code_px)


def render_frame(
    codes: Sequence[Code],
    background: str,
    condition: str,
    rng: np.random.Generator,
    poses: Sequence[Pose] | None = None,
    scene: np.ndarray | None = None,
) -> GeneratedFrame:
    """Render one 1280x720 BGR frame holding `codes` (possibly none) under one condition."""
    frame = desk_background(rng) if scene is None else scene.copy()
    if poses is None:
        poses = [random_pose(condition, code, rng) for code in codes]
        if len(codes) == 2:  # two codes side by side, each in its own half
            for i, pose in enumerate(poses):
                pose.code_px = min(pose.code_px, 300.0)
                pose.center = (FRAME_SIZE[0] * (0.27 + 0.46 * i), FRAME_SIZE[1] / 2 + rng.uniform(-60, 60))
    polygons = []
    module_px = 4.0
    for code, pose in zip(codes, poses, strict=True):
        image = code_image(code, pose.code_px)
        carrier, top = (phone_carrier if background == "phone" else card_carrier)(image, rng)
        h, w = image.shape[:2]
        homography = _place(frame, carrier, (top[0] + w / 2, top[1] + h / 2), pose, rng)
        quad = np.array(
            [[[top[0], top[1]], [top[0] + w, top[1]], [top[0] + w, top[1] + h], [top[0], top[1] + h]]], np.float32
        )
        polygons.append(cv2.perspectiveTransform(quad, homography)[0])
        if code.symbology == "qr":
            module_px = pose.code_px / qr_modules(code.text)
    if polygons:
        frame = _apply_condition(frame, condition, polygons[0], module_px, rng)
    else:
        frame = np.clip(frame + rng.normal(0, 2.0, size=frame.shape), 0, 255).astype(np.uint8)
    return GeneratedFrame(frame, list(codes), background, condition, polygons)


def frame_set(
    sizes: Iterable[int] = PAYLOAD_SIZES,
    per_condition: int = 1,
    seed: int = 7,
    conditions: Sequence[str] = CONDITIONS,
) -> list[GeneratedFrame]:
    """Every (payload size x background x condition) combination, `per_condition` times, reproducibly."""
    rng = np.random.default_rng(seed)
    frames = []
    for size in sizes:
        for background in BACKGROUNDS:
            for condition in conditions:
                for _ in range(per_condition):
                    code = Code(certificate_text(size, int(rng.integers(1 << 31))))
                    frames.append(render_frame([code], background, condition, rng))
    return frames


def jittered(pose: Pose, rng: np.random.Generator, step: float = 3.0) -> Pose:
    """The same pose a moment later: a hand is never quite still."""
    cx, cy = pose.center
    return Pose(
        (cx + rng.normal(0, step), cy + rng.normal(0, step)), pose.angle + rng.normal(0, 0.4), pose.skew, pose.code_px
    )


def code_run(
    code: Code, frames: int, rng: np.random.Generator, background: str = "phone", condition: str = "plain"
) -> list[GeneratedFrame]:
    """`frames` consecutive frames of one code held in front of the camera with hand shake."""
    scene = desk_background(rng)
    pose = random_pose(condition, code, rng)
    out = []
    for _ in range(frames):
        pose = jittered(pose, rng)
        out.append(render_frame([code], background, condition, rng, poses=[pose], scene=scene))
    return out


def empty_run(frames: int, rng: np.random.Generator) -> list[GeneratedFrame]:
    """`frames` consecutive frames of the counter with no code in view."""
    scene = desk_background(rng)
    return [render_frame([], "phone", "plain", rng, scene=scene) for _ in range(frames)]


def write_video(path: Path, frames: Iterable[np.ndarray | GeneratedFrame], fps: float = 30.0) -> Path:
    """Write frames to an MJPG .avi file, as a USB camera would deliver them."""
    writer = None
    try:
        for frame in frames:
            image = frame.image if isinstance(frame, GeneratedFrame) else frame
            if writer is None:
                writer = cv2.VideoWriter(
                    str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (image.shape[1], image.shape[0])
                )
                if not writer.isOpened():
                    raise OSError(f"cannot write video {path}")
            writer.write(image)
    finally:
        if writer is not None:
            writer.release()
    return path


def write_image(path: Path, frame: np.ndarray | GeneratedFrame) -> Path:
    """Write one frame as an image file (format from the suffix)."""
    image = frame.image if isinstance(frame, GeneratedFrame) else frame
    if not cv2.imwrite(str(path), image):
        raise OSError(f"cannot write image {path}")
    return path
