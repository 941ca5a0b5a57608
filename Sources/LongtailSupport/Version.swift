/// The version of Longtail, recorded in every catalog's run records.
public enum LongtailVersion {
    public static let current = "0.6.0"
}
