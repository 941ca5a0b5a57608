/// The profiles Longtail ships: synth's Autoware-style driving logs, REASSEMBLE, ALOHA and
/// robomimic HDF5 episodes. `longtail profiles` lists them; `docs/profiles.md` explains the format.
public enum BuiltinProfiles {
    public static let names = ["synth-driving", "reassemble", "aloha", "robomimic"]

    public static let text: [String: String] = [
        "synth-driving": synthDriving, "reassemble": reassemble, "aloha": aloha, "robomimic": robomimic,
    ]

    static let synthDriving = """
        name = "synth-driving"
        description = "Autoware topics as `longtail synth --kind driving` writes them (base_link at the rear axle)"
        domain = "driving"
        rate_hz = 50

        [[signal]]
        name = "speed"
        topic = "/vehicle/status/velocity_status"
        field = "longitudinal_velocity"
        stamp = "header.stamp"

        [[signal]]
        name = "accel.x"
        topic = "/sensing/imu/imu_data"
        field = "linear_acceleration.x"
        stamp = "header.stamp"

        [[signal]]
        name = "accel.y"
        topic = "/sensing/imu/imu_data"
        field = "linear_acceleration.y"
        stamp = "header.stamp"

        [[signal]]
        name = "yaw_rate"
        topic = "/sensing/imu/imu_data"
        field = "angular_velocity.z"
        stamp = "header.stamp"

        [[signal]]
        name = "autonomy"
        topic = "/vehicle/status/control_mode"
        field = "mode"
        stamp = "stamp"
        kind = "state"
        max_gap_s = 0.5
        map = { "0" = 0, "1" = 1, "2" = 1, "3" = 1, "4" = 0, "5" = 0, "6" = 0 }

        [[signal]]
        name = "precipitation_mm_h"
        topic = "/vehicle/status/weather"
        field = "precipitation_mm_h"
        stamp = "header.stamp"
        kind = "state"
        max_gap_s = 3

        [[signal]]
        name = "wiper_level"
        topic = "/vehicle/status/weather"
        field = "wiper_level"
        stamp = "header.stamp"
        kind = "state"
        max_gap_s = 3

        [[signal]]
        name = "ambient_temperature_c"
        topic = "/vehicle/status/weather"
        field = "ambient_temperature_c"
        stamp = "header.stamp"
        kind = "state"
        max_gap_s = 3

        [[signal]]
        name = "visibility_m"
        topic = "/vehicle/status/weather"
        field = "visibility_m"
        stamp = "header.stamp"
        kind = "state"
        max_gap_s = 3

        [[signal]]
        name = "abs_active"
        topic = "/vehicle/status/weather"
        field = "abs_active"
        stamp = "header.stamp"
        kind = "state"
        max_gap_s = 3

        [[signal]]
        name = "esc_active"
        topic = "/vehicle/status/weather"
        field = "esc_active"
        stamp = "header.stamp"
        kind = "state"
        max_gap_s = 3

        [[signal]]
        name = "tcs_active"
        topic = "/vehicle/status/weather"
        field = "tcs_active"
        stamp = "header.stamp"
        kind = "state"
        max_gap_s = 3

        [actors]
        topic = "/perception/object_recognition/tracking/objects"
        stamp = "header.stamp"
        id = "objects[*].object_id.uuid[0]"
        class = "objects[*].classification[*].label"
        x = "objects[*].kinematics.pose_with_covariance.pose.position.x"
        y = "objects[*].kinematics.pose_with_covariance.pose.position.y"
        orientation = ["objects[*].kinematics.pose_with_covariance.pose.orientation.x",
                       "objects[*].kinematics.pose_with_covariance.pose.orientation.y",
                       "objects[*].kinematics.pose_with_covariance.pose.orientation.z",
                       "objects[*].kinematics.pose_with_covariance.pose.orientation.w"]
        vx = "objects[*].kinematics.twist_with_covariance.twist.linear.x"
        vy = "objects[*].kinematics.twist_with_covariance.twist.linear.y"
        length = "objects[*].shape.dimensions.x"
        velocity_frame = "object"
        # autoware_perception_msgs/ObjectClassification labels
        classes = { "0" = "unknown", "1" = "car", "2" = "truck", "3" = "bus", "4" = "truck", "5" = "motorcycle", "6" = "cyclist", "7" = "pedestrian" }
        """

    static let reassemble = """
        name = "reassemble"
        description = "REASSEMBLE-style HDF5 episodes: 1 kHz F/T (bias-compensated, base frame), 100 Hz pose, 50 Hz gripper; tool z points down"
        domain = "robot"
        rate_hz = 1000

        # The approach axis (tool z) is base -z: z components are negated.
        [[signal]]
        name = "force.x"
        dataset = "/robot_state/compensated_base_force"
        column = 0
        timestamps = "/timestamps/compensated_base_force"

        [[signal]]
        name = "force.y"
        dataset = "/robot_state/compensated_base_force"
        column = 1
        timestamps = "/timestamps/compensated_base_force"

        [[signal]]
        name = "force.z"
        dataset = "/robot_state/compensated_base_force"
        column = 2
        scale = -1
        timestamps = "/timestamps/compensated_base_force"

        [[signal]]
        name = "torque.z"
        dataset = "/robot_state/compensated_base_torque"
        column = 2
        scale = -1
        timestamps = "/timestamps/compensated_base_torque"

        [[signal]]
        name = "position.x"
        dataset = "/robot_state/pose"
        column = 0
        timestamps = "/timestamps/pose"

        [[signal]]
        name = "position.y"
        dataset = "/robot_state/pose"
        column = 1
        timestamps = "/timestamps/pose"

        [[signal]]
        name = "position.z"
        dataset = "/robot_state/pose"
        column = 2
        scale = -1
        timestamps = "/timestamps/pose"

        [[signal]]
        name = "rotation"
        dataset = "/robot_state/pose"
        columns = [4, 5, 6, 3]    # quaternion stored w, x, y, z
        transform = "yaw"
        unwrap = true
        timestamps = "/timestamps/pose"

        [[signal]]
        name = "gripper"
        dataset = "/robot_state/gripper_positions"
        columns = [0, 1]          # one finger each: the opening is their sum
        weights = [1, 1]
        timestamps = "/timestamps/gripper_positions"
        """

    /// The effort → wrench rows are the least-squares inverse of the synthetic arm's static
    /// map (joint torques = Jᵀ·wrench); a real arm needs its own Jacobian.
    static let aloha = """
        name = "aloha"
        description = "ALOHA-style HDF5 episodes: qpos/qvel/effort (T, 14) at 50 Hz; the wrench is recovered from the left arm's joint efforts"
        domain = "robot"
        rate_hz = 50
        t0_attribute = "longtail_t0_ns"

        [[signal]]
        name = "force.x"
        dataset = "/observations/effort"
        columns = [0, 1, 2, 3, 4, 5]
        weights = [3.21575947, -0.76177147, -0.80434105, 1.12761382, 0.00096460, -0.13891127]
        rate_hz = 50

        [[signal]]
        name = "force.y"
        dataset = "/observations/effort"
        columns = [0, 1, 2, 3, 4, 5]
        weights = [0.95411723, 2.61667229, 0.96457877, -3.97177403, 1.99408831, -0.12788413]
        rate_hz = 50

        [[signal]]
        name = "force.z"
        dataset = "/observations/effort"
        columns = [0, 1, 2, 3, 4, 5]
        weights = [-2.12371749, -0.13696453, 0.51084376, 2.66852835, -1.09144130, 0.00863756]
        rate_hz = 50

        [[signal]]
        name = "torque.z"
        dataset = "/observations/effort"
        columns = [0, 1, 2, 3, 4, 5]
        weights = [0.05228136, -0.04506877, -0.05599069, -0.44108997, 0.15003487, 1.01699166]
        rate_hz = 50

        # Tool position from the joint angles (the synthetic arm's kinematics).
        [[signal]]
        name = "position.x"
        dataset = "/observations/qpos"
        columns = [1, 3]
        weights = [0.44444444, 0.66666667]
        offset = 2.05
        rate_hz = 50

        [[signal]]
        name = "position.y"
        dataset = "/observations/qpos"
        column = 2
        scale = 10
        rate_hz = 50

        [[signal]]
        name = "position.z"
        dataset = "/observations/qpos"
        column = 1
        scale = -0.83333333
        offset = -0.45
        rate_hz = 50

        [[signal]]
        name = "gripper"
        dataset = "/observations/qpos"
        column = 6
        scale = -0.08
        offset = 0.08
        rate_hz = 50
        """

    static let robomimic = """
        name = "robomimic"
        description = "robomimic HDF5: one group per demo under /data, end-effector pose and gripper at 20 Hz (no force)"
        domain = "robot"
        rate_hz = 20
        episode_group = "/data"

        [[signal]]
        name = "position.x"
        dataset = "obs/robot0_eef_pos"
        column = 0
        rate_hz = 20

        [[signal]]
        name = "position.y"
        dataset = "obs/robot0_eef_pos"
        column = 1
        rate_hz = 20

        [[signal]]
        name = "position.z"
        dataset = "obs/robot0_eef_pos"
        column = 2
        scale = -1
        rate_hz = 20

        [[signal]]
        name = "rotation"
        dataset = "obs/robot0_eef_quat"
        columns = [0, 1, 2, 3]
        transform = "yaw"
        unwrap = true
        rate_hz = 20

        [[signal]]
        name = "gripper"
        dataset = "obs/robot0_gripper_qpos"
        columns = [0, 1]
        weights = [1, -1]
        rate_hz = 20
        """
}
