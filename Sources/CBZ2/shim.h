// libbz2 (Debian libbz2-dev): ROS 1 bags' "bz2" chunk compression.
#include <bzlib.h>
