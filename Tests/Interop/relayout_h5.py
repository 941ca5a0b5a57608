"""Rewrites a REASSEMBLE-layout episode in a layout Longtail has no profile for, as another
lab might store the same recording: one (N, 6) wrench with its own time column in
milliseconds, the end-effector pose with times in seconds, the gripper under its own name.

  relayout_h5.py IN.h5 OUT.h5
"""
import sys

import h5py
import hdf5plugin  # noqa: F401  (the input's zstd filter)
import numpy as np

with h5py.File(sys.argv[1], "r") as src, h5py.File(sys.argv[2], "w") as dst:
    wrench = np.concatenate([src["robot_state/compensated_base_force"][...], src["robot_state/compensated_base_torque"][...]], axis=1)
    dst.create_dataset("sensors/ft/wrench", data=wrench, compression="gzip")
    dst.create_dataset("sensors/ft/time", data=np.round(src["timestamps/compensated_base_force"][...] * 1000.0).astype(np.int64))
    dst.create_dataset("arm/ee_pose", data=src["robot_state/pose"][...], compression="gzip")
    dst.create_dataset("arm/time", data=src["timestamps/pose"][...])
    dst.create_dataset("hand/gripper_width", data=src["robot_state/gripper_positions"][...].sum(axis=1))
    dst.create_dataset("hand/time", data=src["timestamps/gripper_positions"][...])
