/// `ros2msg` schema texts of common ROS 2 messages, as rosbag2 embeds them (root
/// definition, then each dependency after a `===` line and `MSG:` header).
public enum CommonSchemas {
    /// The line rosbag2 puts between definitions.
    public static let separator = "\n================================================================================\n"

    /// Dependency blocks (`MSG:` header and body) other schemas reuse.
    public static let header = "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id"
    public static let time = "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec"
    public static let vector3 = "MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z"
    public static let quaternion = "MSG: geometry_msgs/Quaternion\nfloat64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1"
    public static let point = "MSG: geometry_msgs/Point\nfloat64 x\nfloat64 y\nfloat64 z"

    /// A root definition followed by its dependency blocks.
    public static func join(_ root: String, _ deps: [String]) -> String {
        ([root] + deps).joined(separator: separator)
    }

    /// `sensor_msgs/msg/Imu`.
    public static let imu = join("""
        std_msgs/Header header
        geometry_msgs/Quaternion orientation
        float64[9] orientation_covariance # Row major about x, y, z axes
        geometry_msgs/Vector3 angular_velocity
        float64[9] angular_velocity_covariance
        geometry_msgs/Vector3 linear_acceleration
        float64[9] linear_acceleration_covariance
        """, [header, time, quaternion, vector3])

    /// `nav_msgs/msg/Odometry`.
    public static let odometry = join("""
        std_msgs/Header header
        string child_frame_id
        geometry_msgs/PoseWithCovariance pose
        geometry_msgs/TwistWithCovariance twist
        """, [header, time,
              "MSG: geometry_msgs/PoseWithCovariance\ngeometry_msgs/Pose pose\nfloat64[36] covariance",
              "MSG: geometry_msgs/Pose\nPoint position\nQuaternion orientation",
              point, quaternion,
              "MSG: geometry_msgs/TwistWithCovariance\ngeometry_msgs/Twist twist\nfloat64[36] covariance",
              "MSG: geometry_msgs/Twist\nVector3  linear\nVector3  angular",
              vector3])

    /// `geometry_msgs/msg/WrenchStamped`.
    public static let wrenchStamped = join("""
        std_msgs/Header header
        Wrench wrench
        """, [header, time, "MSG: geometry_msgs/Wrench\nVector3  force\nVector3  torque", vector3])

    /// `sensor_msgs/msg/JointState`.
    public static let jointState = join("""
        std_msgs/Header header
        string[] name
        float64[] position
        float64[] velocity
        float64[] effort
        """, [header, time])
}
