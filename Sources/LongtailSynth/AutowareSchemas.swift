import LongtailMCAP

/// ros2msg schema texts for the driving archive, as Autoware publishes them
/// (autowarefoundation/autoware_msgs), plus Longtail's weather message.
public enum AutowareSchemas {
    static let header = CommonSchemas.header, time = CommonSchemas.time, vector3 = CommonSchemas.vector3
    static let point = CommonSchemas.point, quaternion = CommonSchemas.quaternion

    static func join(_ parts: [String]) -> String { CommonSchemas.join(parts[0], Array(parts.dropFirst())) }

    /// `autoware_vehicle_msgs/msg/VelocityReport`.
    public static let velocityReport = join(["std_msgs/Header header\nfloat32 longitudinal_velocity\nfloat32 lateral_velocity\nfloat32 heading_rate", header, time])

    /// `autoware_vehicle_msgs/msg/SteeringReport`.
    public static let steeringReport = join(["builtin_interfaces/Time stamp\nfloat32 steering_tire_angle", time])

    /// `autoware_vehicle_msgs/msg/ControlModeReport`.
    public static let controlModeReport = join(["""
        uint8 NO_COMMAND = 0
        uint8 AUTONOMOUS = 1
        uint8 AUTONOMOUS_STEER_ONLY = 2
        uint8 AUTONOMOUS_VELOCITY_ONLY = 3
        uint8 MANUAL = 4
        uint8 DISENGAGED = 5
        uint8 NOT_READY = 6
        builtin_interfaces/Time stamp
        uint8 mode
        """, time])

    /// `sensor_msgs/msg/Imu`.
    public static let imu = CommonSchemas.imu

    /// `autoware_perception_msgs/msg/TrackedObjects`.
    public static let trackedObjects = join([
        "std_msgs/Header header\nautoware_perception_msgs/TrackedObject[] objects", header, time,
        "MSG: autoware_perception_msgs/TrackedObject\nunique_identifier_msgs/UUID object_id\nfloat32 existence_probability\nautoware_perception_msgs/ObjectClassification[] classification\nautoware_perception_msgs/TrackedObjectKinematics kinematics\nautoware_perception_msgs/Shape shape",
        "MSG: unique_identifier_msgs/UUID\nuint8[16] uuid",
        "MSG: autoware_perception_msgs/ObjectClassification\nuint8 UNKNOWN = 0\nuint8 CAR = 1\nuint8 TRUCK = 2\nuint8 BUS = 3\nuint8 TRAILER = 4\nuint8 MOTORCYCLE = 5\nuint8 BICYCLE = 6\nuint8 PEDESTRIAN = 7\nuint8 label\nfloat32 probability",
        "MSG: autoware_perception_msgs/TrackedObjectKinematics\nuint8 UNAVAILABLE = 0\nuint8 SIGN_UNKNOWN = 1\nuint8 AVAILABLE = 2\ngeometry_msgs/PoseWithCovariance pose_with_covariance\nuint8 orientation_availability\ngeometry_msgs/TwistWithCovariance twist_with_covariance\ngeometry_msgs/AccelWithCovariance acceleration_with_covariance\nbool is_stationary",
        "MSG: geometry_msgs/PoseWithCovariance\nPose pose\nfloat64[36] covariance",
        "MSG: geometry_msgs/Pose\nPoint position\nQuaternion orientation", point, quaternion,
        "MSG: geometry_msgs/TwistWithCovariance\nTwist twist\nfloat64[36] covariance",
        "MSG: geometry_msgs/Twist\nVector3  linear\nVector3  angular",
        "MSG: geometry_msgs/AccelWithCovariance\nAccel accel\nfloat64[36] covariance",
        "MSG: geometry_msgs/Accel\nVector3  linear\nVector3  angular", vector3,
        "MSG: autoware_perception_msgs/Shape\nuint8 BOUNDING_BOX=0\nuint8 CYLINDER=1\nuint8 POLYGON=2\nuint8 type\ngeometry_msgs/Polygon footprint\ngeometry_msgs/Vector3 dimensions",
        "MSG: geometry_msgs/Polygon\nPoint32[] points",
        "MSG: geometry_msgs/Point32\nfloat32 x\nfloat32 y\nfloat32 z",
    ])

    /// `longtail_msgs/msg/WeatherReport`: weather and road state have no standard message.
    public static let weatherReport = join(["""
        # Weather and road state at the vehicle, 1 Hz. Longtail's own message.
        uint8 WIPER_OFF = 0
        uint8 WIPER_LOW = 1
        uint8 WIPER_MEDIUM = 2
        uint8 WIPER_HIGH = 3
        std_msgs/Header header
        float32 precipitation_mm_h    # precipitation rate
        uint8 wiper_level
        float32 ambient_temperature_c
        float32 visibility_m
        bool abs_active               # anti-lock brakes intervening
        bool esc_active               # stability control intervening
        bool tcs_active               # traction control intervening
        """, header, time])

    /// Object class labels as `ObjectClassification` numbers them.
    public enum ObjectClass: UInt8, Sendable {
        case unknown = 0, car, truck, bus, trailer, motorcycle, bicycle, pedestrian
    }
}
