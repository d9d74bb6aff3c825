/* File formats: PNG images (libpng) and safetensors checkpoints (cJSON).
 * Every writer writes a temporary file in the target's directory and renames
 * it over the target, so a crash never leaves a half-written file. */
#ifndef WGAN_IO_H
#define WGAN_IO_H
#include "wgan/base.h"

/* ---- PNG ---- */

/* Reads a PNG as 8-bit pixels px[h, w, c] (interleaved, as in the file),
 * malloc'd, freed by the caller. channels 1 or 3 forces gray or RGB; 0 keeps
 * the file's own (1 for gray, 3 for colour). Alpha is dropped, palettes
 * expanded, 16-bit reduced to 8. */
wg_status wg_png_read(const char *path, int channels, int *w, int *h, int *c, uint8_t **px);
/* The size and the channel count (1 or 3) wg_png_read would give, from the
 * header alone. */
wg_status wg_png_info(const char *path, int *w, int *h, int *c);
/* One image x[c, h, w] (c = 1 or 3), values in [lo, hi] mapped to 0..255
 * (clamped; NaN gives 0). */
wg_status wg_png_write(const char *path, const float *x, int c, int h, int w, float lo,
                       float hi);
/* A grid of n images x[n, c, h, w], ncol per row, with a 2-pixel black
 * border around and between them: width ncol (w + 2) + 2, height
 * rows (h + 2) + 2 with rows = ceil(n / ncol) (ncol is first lowered to n
 * when larger). Empty cells are black. */
#define WG_PNG_GRID_BORDER 2
wg_status wg_png_write_grid(const char *path, const float *x, int n, int c, int h, int w,
                            int ncol, float lo, float hi);

/* ---- safetensors ---- */

/* The Hugging Face safetensors format: an 8-byte little-endian header
 * length N, N bytes of JSON {name: {"dtype", "shape", "data_offsets":
 * [begin, end]}, "__metadata__": {string: string}}, then the raw
 * little-endian tensor data, offsets relative to its start.
 *
 * The writer adds the metadata key WG_ST_CRC_KEY: the CRC-32 (hex) of the
 * tensor entries, the other metadata and the data, so that a corrupted byte
 * anywhere in a file we wrote is detected. Files from other writers have no
 * such key; they can be opened with the structural checks only. */
#define WG_ST_MAX_DIMS 8
#define WG_ST_CRC_KEY "wgan.crc32"

typedef enum {
  WG_DT_F64, WG_DT_F32, WG_DT_F16, WG_DT_BF16,
  WG_DT_I64, WG_DT_I32, WG_DT_I16, WG_DT_I8,
  WG_DT_U64, WG_DT_U32, WG_DT_U16, WG_DT_U8, WG_DT_BOOL
} wg_dtype;

/* "F32", ... as in the format. */
const char *wg_dtype_name(wg_dtype dt);
size_t wg_dtype_size(wg_dtype dt);

typedef struct {
  const char *name;
  wg_dtype dtype;
  int ndim;                        /* 0 for a scalar */
  int64_t shape[WG_ST_MAX_DIMS];
  const void *data;                /* numel * wg_dtype_size(dtype) bytes */
} wg_st_tensor;

/* Writes n tensors (in that order) and n_meta metadata pairs meta[2 * n_meta]
 * = {key0, value0, key1, value1, ...} to path (via path.tmp, fsync'ed, then
 * renamed). */
wg_status wg_safetensors_write(const char *path, const wg_st_tensor *tensors, int n,
                               const char *const *meta, int n_meta);

/* A file read and validated in full: header length inside the file, valid
 * JSON, known dtypes, shape x dtype size equal to each offset span, spans
 * inside the data area, neither overlapping nor leaving gaps, the data area
 * ending exactly at the end of the file, the checksum if present. NULL (and
 * a message naming the file and what is wrong) otherwise.
 * need_checksum = 1 also refuses a file without the checksum key: use it for
 * our own checkpoints, since a damaged key name would otherwise pass the
 * file off as a foreign one. */
typedef struct wg_safetensors wg_safetensors;

wg_safetensors *wg_safetensors_open(const char *path, int need_checksum);
void wg_safetensors_close(wg_safetensors *st);
/* The tensors in the order of their data; tensor i's data points into the
 * file image and may be unaligned: read it with memcpy or
 * wg_safetensors_copy. */
int wg_safetensors_count(const wg_safetensors *st);
const wg_st_tensor *wg_safetensors_at(const wg_safetensors *st, int i);
/* NULL if there is no such tensor. */
const wg_st_tensor *wg_safetensors_find(const wg_safetensors *st, const char *name);
/* Copies tensor `name` into dst after checking it has this dtype and shape
 * (ndim, shape[ndim]); WG_EFORMAT with a message naming the file, the tensor
 * and what differs otherwise. */
wg_status wg_safetensors_copy(const wg_safetensors *st, const char *name, wg_dtype dtype,
                              int ndim, const int64_t *shape, void *dst);
/* The value of a metadata key, NULL if absent. */
const char *wg_safetensors_meta(const wg_safetensors *st, const char *key);
int wg_safetensors_meta_count(const wg_safetensors *st);
/* Pair i of the metadata, in file order. */
void wg_safetensors_meta_at(const wg_safetensors *st, int i, const char **key,
                            const char **value);

#endif
