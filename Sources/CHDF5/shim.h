#ifndef LONGTAIL_CHDF5_SHIM_H
#define LONGTAIL_CHDF5_SHIM_H
// HDF5's H5T_*, H5P_* and H5F_ACC_* names are macros over comma expressions that call
// H5open(); they do not import into Swift, and the *_g globals behind them are rejected
// in Swift 6 mode as not concurrency-safe. Each shim below wraps one such macro.
#include <hdf5.h>

static inline hid_t lt_h5t_native_float(void)  { return H5T_NATIVE_FLOAT; }
static inline hid_t lt_h5t_ieee_f32le(void)    { return H5T_IEEE_F32LE; }
static inline hid_t lt_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t lt_h5t_native_int8(void)   { return H5T_NATIVE_INT8; }
static inline hid_t lt_h5t_native_int16(void)  { return H5T_NATIVE_INT16; }
static inline hid_t lt_h5t_native_int32(void)  { return H5T_NATIVE_INT32; }
static inline hid_t lt_h5t_native_int64(void)  { return H5T_NATIVE_INT64; }
static inline hid_t lt_h5t_native_uint8(void)  { return H5T_NATIVE_UINT8; }
static inline hid_t lt_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t lt_h5t_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t lt_h5t_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t lt_h5t_c_s1(void)          { return H5T_C_S1; }
static inline hid_t lt_h5p_dataset_create(void){ return H5P_DATASET_CREATE; }
static inline hid_t lt_h5p_file_access(void)   { return H5P_FILE_ACCESS; }
static inline unsigned lt_h5f_acc_trunc(void)  { return H5F_ACC_TRUNC; }
static inline unsigned lt_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline hid_t lt_h5p_default(void)       { return H5P_DEFAULT; }
static inline hid_t lt_h5s_all(void)           { return H5S_ALL; }
static inline hid_t lt_h5p_link_create(void)   { return H5P_LINK_CREATE; }
static inline hid_t lt_h5p_group_create(void)  { return H5P_GROUP_CREATE; }
static inline hid_t lt_h5e_default(void)       { return H5E_DEFAULT; }
static inline size_t lt_h5t_variable(void)     { return H5T_VARIABLE; }
static inline unsigned lt_h5z_flag_reverse(void) { return H5Z_FLAG_REVERSE; }
static inline hid_t lt_h5t_native_schar(void)  { return H5T_NATIVE_SCHAR; }

#endif
