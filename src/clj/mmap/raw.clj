(ns mmap.raw
  "The seed's API, Raku's Mmap::Native, at the REPL: `mmap`, `munmap`,
  `blob-from-pointer`, `open`, `close`, and every Linux constant as a var with its C
  name (combine them with `bit-or`).

  This layer is as sharp as C. A pointer from `mmap` is a `MemorySegment` with no
  lifetime: reading it after `munmap`, past the end of the mapping, or past the end of
  a truncated file reads freed or missing memory and can kill the JVM with SIGSEGV or
  SIGBUS. Nothing here checks ranges or tracks what is open. For a safe mapping use
  `mmap.core/map-file`.

  Failures throw `mmap.posix.SyscallException` (the parent of the safe layer's
  mmap.ErrnoException), whose message names the call, its arguments, the errno name and a
  hint."
  (:refer-clojure :exclude [munmap])
  (:import (java.lang.foreign MemorySegment)
           (java.lang.reflect Field Modifier)
           (mmap.posix Mman)))

(set! *warn-on-reflection* true)

(defmacro ^:private def-constants
  "One var per public static final constant of mmap.posix.Mman, named as in C."
  []
  `(do ~@(for [^Field f (.getFields Mman)
               :let [m (.getModifiers f)
                     v (.get f nil)]
               :when (and (Modifier/isStatic m) (Modifier/isFinal m) (number? v))]
           `(def ~(with-meta (symbol (.getName f))
                    {:const true :doc (str "C constant " (.getName f) " = 0x" (Long/toHexString (long v)))})
              ~v))))

(def-constants)

(def MAP_FAILED "mmap's failure value, (void *) -1." Mman/MAP_FAILED)

(defn ->pointer
  "A MemorySegment for an address: nil, a number, or a MemorySegment."
  ^MemorySegment [addr]
  (cond (nil? addr) MemorySegment/NULL
        (instance? MemorySegment addr) addr
        :else (MemorySegment/ofAddress (long addr))))

(defn mmap
  "mmap(2): maps `len` bytes of descriptor `fd` from `offset` (page-aligned) with
  protection `prot` and `flags`; `addr` is a hint (nil or 0 for none). Returns a
  MemorySegment of `len` bytes with no lifetime (see the namespace docstring)."
  ^MemorySegment [addr len prot flags fd offset]
  (Mman/mmap (->pointer addr) (long len) (int prot) (int flags) (int fd) (long offset)))

(defn munmap
  "munmap(2): unmaps `len` bytes at `ptr`. Any later read of `ptr` can crash the JVM."
  [ptr len]
  (Mman/munmap (->pointer ptr) (long len)))

(defn blob-from-pointer
  "Copies `n` bytes from `ptr` into a new byte array. Unchecked, as in C."
  ^bytes [ptr n]
  (Mman/blobFromPointer (->pointer ptr) (int n)))

(defn open
  "open(2): returns the native file descriptor of `path`, by default O_RDONLY."
  ([path] (open path O_RDONLY))
  ([path flags] (Mman/open (str path) (int flags) (int 0644)))
  ([path flags mode] (Mman/open (str path) (int flags) (int mode))))

(defn close
  "close(2) of a native file descriptor."
  [fd]
  (Mman/close (int fd)))

(defn msync "msync(2)." [ptr len flags] (Mman/msync (->pointer ptr) (long len) (int flags)))
(defn madvise "madvise(2)." [ptr len advice] (Mman/madvise (->pointer ptr) (long len) (int advice)))
(defn mprotect "mprotect(2)." [ptr len prot] (Mman/mprotect (->pointer ptr) (long len) (int prot)))
(defn mlock "mlock(2)." [ptr len] (Mman/mlock (->pointer ptr) (long len)))
(defn munlock "munlock(2)." [ptr len] (Mman/munlock (->pointer ptr) (long len)))
(defn mincore
  "mincore(2): a byte array, one byte per page, bit 0 set where the page is resident."
  ^bytes [ptr len]
  (Mman/mincore (->pointer ptr) (long len)))
(defn mremap
  "mremap(2) without MREMAP_FIXED; returns the segment at its (possibly new) address."
  ^MemorySegment [ptr old-len new-len flags]
  (Mman/mremap (->pointer ptr) (long old-len) (long new-len) (int flags)))
(defn page-size "sysconf(_SC_PAGESIZE)." ^long [] (Mman/pageSize))
