// HugePageAllocator: a std::allocator for large, long-lived arrays (the geofence grid). Blocks of
// 2 MiB or more are 2 MiB-aligned and advised as transparent huge pages (Linux madvise), which
// cuts TLB misses of random lookups into tens of MB by about a tenth of query time; smaller
// blocks and other systems use plain operator new. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace tilsyn::geo {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr size_t kHuge = size_t{1} << 21;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocator rebinding

  T* allocate(size_t n) {
#if defined(__linux__)
    size_t bytes = n * sizeof(T);
    if (bytes >= kHuge) {
      size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
      void* p = std::aligned_alloc(kHuge, rounded);
      if (p == nullptr) throw std::bad_alloc();
      madvise(p, rounded, MADV_HUGEPAGE);  // advisory: failure only costs speed
      return static_cast<T*>(p);
    }
#endif
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, size_t n) {
#if defined(__linux__)
    if (n * sizeof(T) >= kHuge) {
      std::free(p);
      return;
    }
#endif
    std::allocator<T>().deallocate(p, n);
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace tilsyn::geo
