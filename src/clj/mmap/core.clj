(ns mmap.core
  "Memory-mapped files as Clojure values.

  `(map-file path)` returns a mapping: Closeable (use `with-open`), Counted, Indexed
  (`nth` gives a byte), Seqable (a chunked lazy byte seq), reducible without a seq
  (`IReduceInit`), printable without its contents, and `datafy`-able.

  Lifetimes: a mapping's memory is gone once it is closed. Anything lazy taken from it
  (`seq`, `lines`, `re-seq`, ...) throws when realized after that, never crashes: realize
  it inside `with-open`, reduce it there, or copy bytes out with `bytes`.

  Errors: the kernel's refusals are mmap.ErrnoException (with the call, the file, the
  errno name and a hint). Everything else is an ex-info whose data has :mmap/error
  (:invalid-argument, :out-of-bounds, :read-only, :closed, :illegal-state, :truncated)
  and :mmap/path."
  (:refer-clojure :exclude [bytes get re-seq re-find])
  (:require [clojure.string :as str]
            [mmap.impl.binary :as binary]
            [mmap.impl.errors :as errors]
            [mmap.impl.mapping :as mapping]
            [mmap.impl.options :as options]
            [mmap.impl.regex :as regex]
            [mmap.impl.search :as search])
  (:import (clojure.lang IReduceInit)
           (java.io File)
           (java.lang.foreign MemorySegment)
           (java.nio ByteOrder)
           (java.nio.charset StandardCharsets)
           (java.nio.file Path)
           (java.util EnumSet)
           (mmap Advice MappedFile MappedFile$Options Npy Protection)
           (mmap.impl.mapping Mapping)
           (mmap.internal LineReader)
           (mmap.posix Mman)))

(set! *warn-on-reflection* true)

;; Load and initialise the Java layer now, so that what a failure needs is in memory before
;; the process can run out of descriptors (class files could not be read then).
(MappedFile/options)

(defn- ->path ^Path [fn-name p]
  (cond (instance? Path p) p
        (instance? File p) (.toPath ^File p)
        (string? p) (Path/of ^String p (make-array String 0))
        :else (throw (options/invalid fn-name (str "expected a path as a String, File or Path, not " (pr-str p)) {:path p}))))

(defn- java-options ^MappedFile$Options [{:keys [mode offset length populate? advice lock? huge-pages? create?]}]
  (cond-> (MappedFile/options)
    mode (.mode (options/modes mode))
    offset (.offset (long offset))
    length (.length (long length))
    populate? (.populate true)
    advice (.advice ^Advice (options/advice advice))
    lock? (.lock true)
    huge-pages? (.hugePages true)
    create? (.create true)))

(defn mapping?
  "True for what `map-file`, `map-anonymous` and `slice` return."
  [x]
  (instance? Mapping x))

(defn map-file
  "Maps the file at `path` (String, File or Path). Options, all optional (nil means default):

    :mode        :read-only (default), :read-write (writes reach the file), or
                 :private (copy-on-write; writes stay in this process)
    :offset      first byte of the file to map; any value (aligned down internally)
    :length      bytes to map; default up to the end of the file. Past the end is an
                 error, except with :read-write, which grows the file
    :populate?   fault every page in now (MAP_POPULATE)
    :advice      initial madvise: :normal :random :sequential :will-need ... (see `advise!`)
    :lock?       mlock the pages (limited by `ulimit -l`)
    :huge-pages? ask for transparent huge pages (MADV_HUGEPAGE)
    :create?     with :read-write, create the file if it is missing

  An empty file gives an empty mapping (no mmap call is made). If the call fails, the file
  is left as it was: one it created is removed, one it grew is cut back. Failures throw
  mmap.ErrnoException naming the call, the file, the errno (ENOENT, EACCES, ...) and a hint."
  (^Mapping [path] (map-file path nil))
  (^Mapping [path opts]
   (let [opts (options/validate "map-file" options/map-file-spec opts)
         p (->path "map-file" path)]
     (errors/guard p (Mapping. (MappedFile/open p (java-options opts)) 0 -1)))))

(defn map-anonymous
  "Maps `n` bytes of zero-filled anonymous memory. Options as for `map-file`, where
  :mode is :private (default) or :read-write (MAP_SHARED: shared with child processes),
  and :huge-pages? asks for MAP_HUGETLB pages (reserved in /proc/sys/vm/nr_hugepages)."
  (^Mapping [n] (map-anonymous n nil))
  (^Mapping [n opts]
   (let [n (options/check-nat "map-anonymous" :n n)
         opts (options/validate "map-anonymous" options/anonymous-spec opts)]
     (errors/guard "anonymous memory" (Mapping. (MappedFile/anonymous n (java-options (update opts :mode #(or % :private)))) 0 -1)))))

(defn- ->mapping ^Mapping [fn-name m]
  (if (instance? Mapping m)
    m
    (throw (options/invalid fn-name (str "expected a mapping (from map-file), not " (pr-str (type m))) {:value m}))))

(defn- mf ^MappedFile [m] (mapping/mapped-file m))

(defn size
  "The mapping's length in bytes, as a long (`count` gives an int, so stops at 2 GiB)."
  ^long [m]
  (mapping/size (->mapping "size" m)))

(defn segment
  "The java.lang.foreign.MemorySegment of exactly the mapped bytes, for coffi or any FFM
  code. Read-only for :read-only mappings; every access throws once the mapping closes.
  Reads through a segment are as safe as FFM makes them: if another process truncates the
  file, prefer this namespace's readers, which turn that into an exception."
  ^MemorySegment [m]
  (mapping/segment (->mapping "segment" m)))

(defn- check-range
  "Checks that [offset, offset + length) lies in `m`; returns the offset in the whole mapping."
  ^long [fn-name m offset length]
  (let [m (->mapping fn-name m)
        offset (options/check-nat fn-name :offset offset)
        length (options/check-nat fn-name :length length)
        n (mapping/size m)]
    (when (or (> offset n) (> length (- n offset)))
      (throw (ex-info (str fn-name ": range of " length " bytes from offset " offset " is outside the mapping ("
                           n " bytes)")
                      {:mmap/error :out-of-bounds :mmap/fn fn-name :offset offset :length length :size n})))
    (mapping/check-slice m)
    (+ (mapping/start m) offset)))

(defn bytes
  "Copies the mapping's bytes, or `length` bytes from `offset`, into a new byte array
  (at most 2 GiB at a time)."
  (^bytes [m] (bytes m 0 (size m)))
  (^bytes [m offset length]
   (let [at (check-range "bytes" m offset length)]
     (errors/guard (mf m) (.bytes (mf m) at (long length))))))

(defn slice
  "The `length` bytes from `offset` as a mapping of their own, sharing the original's
  memory and lifetime. A slice has no lifetime of its own: closing it does nothing.
  `sync!`, `advise!`, `lock!`, `unlock!`, `residency` and `resident` act on its range;
  `protect!` and `resize!` apply to whole mappings only and refuse a slice."
  [m offset length]
  (let [at (check-range "slice" m offset length)]
    (Mapping. (mf m) at (long length))))

(defn- ->needle ^bytes [fn-name x]
  (cond (string? x) (.getBytes ^String x StandardCharsets/UTF_8)
        (bytes? x) x
        :else (throw (options/invalid fn-name (str "expected a String or byte array, not " (pr-str (type x))) {:value x}))))

(defn index-of
  "The offset of the first occurrence of `needle` (a String, as UTF-8, or a byte array)
  at or after `from` (default 0), or nil. Searches at memory speed (SIMD or SWAR)."
  ([m needle] (index-of m needle 0))
  ([m needle from]
   (let [m (->mapping "index-of" m)
         needle (->needle "index-of" needle)
         from (long (options/check-nat "index-of" :from from))
         n (mapping/size m)
         start (mapping/start m)]
     (mapping/check-slice m)
     (when (<= from n)
       (let [i (errors/guard (mf m) (.indexOf (mf m) needle (+ start from) (+ start n)))]
         (when-not (neg? i) (- i start)))))))

(defn- charset [fn-name encoding]
  (case (or encoding :utf-8)
    :utf-8 StandardCharsets/UTF_8
    (:latin-1 :bytes) StandardCharsets/ISO_8859_1
    (throw (options/invalid fn-name (str "unknown :encoding " (pr-str encoding) "; allowed: :bytes, :latin-1, :utf-8")
                            {:encoding encoding}))))

(def ^:private lines-spec {:encoding [options/encodings options/encodings]})

(defn- line-reader ^LineReader [m opts]
  (let [m (->mapping "lines" m)
        opts (options/validate "lines" lines-spec opts)
        start (mapping/start m)]
    (mapping/check-slice m)
    (LineReader. (errors/guard (mf m) (.segment (mf m))) start (+ start (mapping/size m)) (charset "lines" (:encoding opts)))))

(defn lines
  "A lazy seq of the mapping's lines, split as `line-seq` splits them (at \\n, \\r\\n or
  \\r) and decoded as UTF-8, or as opts' :encoding (:utf-8, :latin-1, :bytes) says; nil
  for an empty mapping."
  ([m] (lines m nil))
  ([m opts]
   (let [r (line-reader m opts)
         f (mf m)
         step (fn step []
                (lazy-seq
                  (when-let [line (errors/guard f (errors/check-open f) (.next r))]
                    (cons line (step)))))]
     (seq (step)))))

(defn lines-reducible
  "The lines of `lines` as a reducible (IReduceInit) that builds no seq: use with
  `reduce`, `transduce`, `into` or `run!` inside `with-open`."
  ([m] (lines-reducible m nil))
  ([m opts]
   (line-reader m opts)                 ; checks the arguments now
   (reify IReduceInit
     (reduce [_ f init]
       (let [r (line-reader m opts)]
         (errors/guard (mf m)
           (loop [acc init]
             (if-let [line (.next r)]
               (let [acc (f acc line)]
                 (if (reduced? acc) @acc (recur acc)))
               acc))))))))

(defn write!
  "Writes `data` (a byte array, or a String as UTF-8) at `offset`. The mapping must be
  :read-write or :private. Returns the mapping."
  [m offset data]
  (let [bs (->needle "write!" data)
        at (check-range "write!" m offset (alength bs))]
    (errors/guard (mf m) (.write (mf m) at bs))
    m))

(defn- range-of
  "[offset-in-mapping length] for `opts`' :offset and :length within `m` (a mapping or slice)."
  [fn-name m {:keys [offset length]}]
  (let [offset (or offset 0)
        length (or length (max 0 (- (size m) (long offset))))]
    [(check-range fn-name m offset length) (long length)]))

(def ^:private range-spec {:offset [options/nat options/nat?] :length [options/nat options/nat?]})

(defn sync!
  "Flushes written bytes to the file with msync(MS_SYNC) and waits; with {:async? true},
  MS_ASYNC. {:offset :length} pick a range. Returns the mapping."
  ([m] (sync! m nil))
  ([m opts]
   (let [opts (options/validate "sync!" (assoc range-spec :async? [options/bool boolean?]) opts)
         [at len] (range-of "sync!" m opts)]
     (errors/guard (mf m) (if (:async? opts) (.syncAsync (mf m) at len) (.sync (mf m) at len)))
     m)))

(defn advise!
  "madvise with a keyword, one of mmap.Advice's values: :normal :random :sequential
  :will-need :dont-need :free :remove :dont-fork :do-fork :mergeable :unmergeable
  :huge-page :no-huge-page :dont-dump :do-dump :wipe-on-fork :keep-on-fork :cold
  :page-out :populate-read :populate-write :dont-need-locked :collapse. (MADV_HWPOISON
  and MADV_SOFT_OFFLINE are not offered: they make memory fault on access.)
  {:offset :length} pick a range. Returns the mapping."
  ([m advice] (advise! m advice nil))
  ([m advice opts]
   (let [opts (options/validate "advise!" range-spec opts)
         ^Advice a (or (options/advice advice)
                       (throw (options/invalid "advise!" (str "unknown advice " (pr-str advice) "; allowed: "
                                                             (str/join ", " (sort (keys options/advice))))
                                               {:advice advice})))
         [at len] (range-of "advise!" m opts)]
     (errors/guard (mf m) (.advise (mf m) a at len))
     m)))

(defn- whole-only [fn-name m]
  (let [m (->mapping fn-name m)]
    (when (mapping/slice? m)
      (throw (options/invalid fn-name (str "applies to a whole mapping, and this is a slice of "
                                           (or (some-> (.path (mf m)) str) "anonymous memory")
                                           "; call it on the mapping the slice came from")
                              {:slice-of (some-> (.path (mf m)) str)})))
    m))

(defn protect!
  "mprotect the whole mapping to a set of :read, :write, :exec, or #{:none}. Segments
  and lazy seqs taken earlier die; without :read the mapping refuses reads, and without
  :write writes, rather than fault. Returns it."
  [m prots]
  (let [m (whole-only "protect!" m)
        prots (if (keyword? prots) #{prots} prots)]
    (when-not (and (coll? prots) (seq prots))
      (throw (options/invalid "protect!" (str "expected a set of :read, :write, :exec, or #{:none}, not " (pr-str prots))
                              {:protection prots})))
    (when-let [bad (first (remove #(contains? options/protection %) prots))]
      (throw (options/invalid "protect!" (str "unknown protection " (pr-str bad) "; allowed: :exec, :none, :read, :write")
                              {:protection bad})))
    (when (and (contains? (set prots) :none) (> (count (set prots)) 1))
      (throw (options/invalid "protect!" (str ":none cannot be combined with other access: " (pr-str prots)) {:protection prots})))
    (let [set (EnumSet/noneOf Protection)]
      (doseq [p prots :let [e (options/protection p)] :when e] (.add set e))
      (errors/guard (mf m) (.protect (mf m) set))
      m)))

(defn- range-call [fn-name m f]
  (let [m (->mapping fn-name m)
        [at len] (range-of fn-name m nil)]
    (errors/guard (mf m) (f (mf m) at len))))

(defn lock!
  "mlock the mapping's pages (a slice's pages); past `ulimit -l` this fails with a hint.
  Returns it."
  [m]
  (range-call "lock!" m (fn [^MappedFile f ^long at ^long len] (.lock f at len)))
  m)

(defn unlock!
  "munlock the mapping's pages (a slice's pages). Returns it."
  [m]
  (range-call "unlock!" m (fn [^MappedFile f ^long at ^long len] (.unlock f at len)))
  m)

(defn- residency-bytes ^bytes [fn-name m]
  (range-call fn-name m (fn [^MappedFile f ^long at ^long len] (.residency f at len))))

(defn residency
  "A vector with one boolean per page of the mapping (or slice), true where the page is
  resident (mincore)."
  [m]
  (mapv #(= 1 %) (residency-bytes "residency" m)))

(defn resident
  "How much of the mapping (or slice) is in memory, from mincore:
  {:pages n :resident k :page-size p}."
  [m]
  (let [r (residency-bytes "resident" m)]
    {:pages (alength r) :resident (areduce r i acc 0 (+ acc (aget r i))) :page-size (Mman/pageSize)}))

(defn resize!
  "Changes the whole mapping's length with mremap; a :read-write file grows to fit (it is
  never shrunk). Returns the mapping, now showing the new length; segments and seqs taken
  before die."
  [m n]
  (let [m (whole-only "resize!" m)
        n (options/check-nat "resize!" :n n)]
    (errors/guard (mf m) (.resize (mf m) n))
    m))

(defn close!
  "Unmaps a mapping (idempotent); `with-open` does this for you. Closing a slice does
  nothing: it shares its mapping's lifetime."
  [m]
  (.close ^java.io.Closeable (->mapping "close!" m)))

;; ---- regex ----------------------------------------------------------------

(defn- with-source
  "Calls (f mapping release): a mapping is used as is; a path is mapped (holding no file
  descriptor), and release unmaps it."
  [fn-name source f]
  (if (mapping? source)
    (f source (fn []))
    (let [p (->path fn-name source)
          mp (errors/guard p (Mapping. (MappedFile/open p (.keepDescriptor (MappedFile/options) false)) 0 -1))]
      (try (f mp #(.close ^java.io.Closeable mp))
           (catch Throwable t (.close ^java.io.Closeable mp) (throw t))))))

(defn- scan-spec
  "The scanner spec for a regex over mapping `mp`, and the validated options."
  [fn-name re mp opts]
  (when-not (instance? java.util.regex.Pattern re)
    (throw (options/invalid fn-name (str "expected a java.util.regex.Pattern such as #\"...\", not " (pr-str re)) {:value re})))
  (let [opts (options/validate fn-name regex/spec-options opts)
        ;; The segment fixes the size: the mapping may be resized by another thread meanwhile.
        seg (segment mp)
        n (.byteSize seg)
        from (min n (long (:from opts 0)))
        to (min n (long (:to opts n)))]
    (when (> from to)
      (throw (options/invalid fn-name (str ":from " from " is after :to " to) {:from from :to to})))
    [(regex/spec seg from to re opts) opts]))

(defn- lazy-of [fn-name re source opts f]
  (with-source fn-name source
    (fn [mp release]
      (let [^MappedFile file (mf mp)
            [spec opts] (errors/guard file (scan-spec fn-name re mp opts))
            wrap (fn [g] (errors/guard file (errors/check-open file) (g)))]
        ;; Like clojure.core/re-seq, the first match is looked for now, and no match gives nil.
        (seq (if (regex/parallel? spec opts)
               (regex/lazy-batches (regex/parallel-scan spec f opts) wrap release)
               (regex/lazy-matches (mmap.internal.RegexScanner. spec) f wrap release)))))))

(defn- scan-now
  "Calls (f spec opts) on the source's mapping, then unmaps it if it mapped it."
  [fn-name re source opts f]
  (with-source fn-name source
    (fn [mp release]
      (try
        (errors/guard (mf mp)
          (let [[spec opts] (scan-spec fn-name re mp opts)]
            (f spec opts)))
        (finally (release))))))

(defn- reducible-of [fn-name re source opts f]
  (reify IReduceInit
    (reduce [_ rf init]
      (scan-now fn-name re source opts
                (fn [spec opts]
                  (if (regex/parallel? spec opts)
                    (regex/reduce-batches (regex/parallel-scan spec f opts) rf init)
                    (regex/reduce-matches (mmap.internal.RegexScanner. spec) f rf init)))))))

(defn re-seq
  "A lazy seq of the matches of `re` (a java.util.regex.Pattern such as #\"...\") in a
  mapping, or in the file at a path (mapped, and unmapped when the seq is exhausted or
  dropped). Results are shaped as clojure.core/re-seq's: strings, or vectors when `re` has
  groups, and equal to (re-seq re (slurp f)). Options:

    :from, :to    the byte range to search, taken as the whole text (default: everything)
    :encoding     :utf-8 (default; decoded exactly as slurp decodes), or :latin-1 / :bytes
                  (one char per byte: right for binary files)
    :threads      at most this many threads scan at once (default: every core); results
                  stay in order
    :executor     a java.util.concurrent.Executor to run them on (default: a shared pool)
    :chunk-size   bytes per parallel task to start with (default 1 MiB, 8 MiB for count-matches)
    :window       first window in bytes (default 512 KiB; tiny ones are for tests)"
  ([re m] (re-seq re m nil))
  ([re m opts] (lazy-of "re-seq" re m opts regex/re-groups-of)))

(defn matches
  "A lazy seq of maps, one per match: {:match s :groups [..] :start byte :end byte}, plus
  :named {:name s} for named groups. Offsets are bytes from the start of the mapping.
  Options as for `re-seq`."
  ([re m] (matches re m nil))
  ([re m opts] (lazy-of "matches" re m opts regex/match-map)))

(defn re-find
  "The first match, shaped as clojure.core/re-find's, or nil. Options as for `re-seq`."
  ([re m] (re-find re m nil))
  ([re m opts]
   (scan-now "re-find" re m opts (fn [spec _]
                                   (let [s (mmap.internal.RegexScanner. spec)]
                                     (when (.find s) (regex/re-groups-of s)))))))

(defn count-matches
  "How many matches `re` has, building no strings. Options as for `re-seq`."
  ([re m] (count-matches re m nil))
  ([re m opts]
   (scan-now "count-matches" re m opts
             (fn [spec opts]
               (if (regex/parallel? spec opts)
                 (with-open [p (regex/parallel-scan spec nil opts)] (.countRemaining p))
                 (.count (mmap.internal.RegexScanner. spec)))))))

(defn re-seq-reducible
  "`re-seq` as a reducible (IReduceInit) that builds no seq, like next.jdbc's plan; a path
  is mapped for each reduce and unmapped at its end."
  ([re m] (re-seq-reducible re m nil))
  ([re m opts] (reducible-of "re-seq-reducible" re m opts regex/re-groups-of)))

(defn matches-reducible
  "`matches` as a reducible (IReduceInit) that builds no seq."
  ([re m] (matches-reducible re m nil))
  ([re m opts] (reducible-of "matches-reducible" re m opts regex/match-map)))

;; ---- many files --------------------------------------------------------------

(defn grep
  "A lazy seq of the lines `re` selects in `paths`: a file, a directory (walked in sorted
  path order), or a seq of them. Lines end at \n and are matched one at a time, decoded as
  UTF-8; each is

    {:path \"src/a.clj\" :line-number 12 :byte-offset 301 :line \"...\"
     :matches [{:match \"x\" :start 305 :end 306}]}   ; byte offsets in the file

  Small files are read whole, larger ones mapped while their lines are taken. Options:

    :invert?        select the lines `re` does not match (:matches is then [])
    :max-count      at most this many lines in all
    :follow-links?  follow symbolic links met in directories (skipped by default)
    :include        a glob (or seq) a file's base name must match, as grep --include
    :exclude        a glob (or seq) that leaves a file out, as grep --exclude
    :binary         :skip (default: files with a NUL in their first 96 KiB) or :text"
  ([re paths] (grep re paths nil))
  ([re paths opts]
   (when-not (instance? java.util.regex.Pattern re)
     (throw (options/invalid "grep" (str "expected a java.util.regex.Pattern, not " (pr-str re)) {:value re})))
   (search/lazy-grep re paths (options/validate "grep" search/grep-spec opts))))

(defn grep-reducible
  "`grep` as a reducible (IReduceInit): each file is closed before the next is opened, and
  the last one when the reduction ends, reduced or not."
  ([re paths] (grep-reducible re paths nil))
  ([re paths opts]
   (when-not (instance? java.util.regex.Pattern re)
     (throw (options/invalid "grep" (str "expected a java.util.regex.Pattern, not " (pr-str re)) {:value re})))
   (search/reducible-grep re paths (options/validate "grep" search/grep-spec opts))))

;; ---- binary data ---------------------------------------------------------------------------

(defmacro ^:private def-read
  "A reader of `width` bytes at a long offset: (f m offset) little-endian, (f m offset opts)."
  [fname doc ret width [mf at order] expr]
  (let [m (gensym "m")
        offset (with-meta (gensym "offset") {:tag 'long})
        opts (gensym "opts")
        body (fn [order-form]
               `(let [mp# (->mapping ~(name fname) ~m)
                      ~mf (mapping/mapped-file mp#)
                      ~at (binary/at ~(name fname) mp# ~offset ~width)
                      ~order ~order-form]
                  (errors/guard ~mf ~expr)))]
    `(defn ~fname ~doc
       (~(with-meta [m offset] {:tag ret}) ~(body `ByteOrder/LITTLE_ENDIAN))
       (~(with-meta [m offset opts] {:tag ret}) ~(body `(binary/byte-order ~(name fname) ~opts))))))

(def-read get-byte "The signed byte at byte `offset` (a long: any offset, past 2 GiB too)."
  long 1 [mf at _] (.getByte mf at))
(def-read get-ubyte "The unsigned byte at `offset`, 0 to 255."
  long 1 [mf at _] (bit-and (.getByte mf at) 0xFF))
(def-read get-short "The signed 16-bit integer at `offset`; opts {:order :little (default) or :big}. Any alignment."
  long 2 [mf at order] (.getShort mf at order))
(def-read get-ushort "The unsigned 16-bit integer at `offset`, 0 to 65535; opts {:order}."
  long 2 [mf at order] (bit-and (.getShort mf at order) 0xFFFF))
(def-read get-int "The signed 32-bit integer at `offset`; opts {:order :little (default) or :big}."
  long 4 [mf at order] (.getInt mf at order))
(def-read get-uint "The unsigned 32-bit integer at `offset`, 0 to 2^32-1; opts {:order}."
  long 4 [mf at order] (bit-and (.getInt mf at order) 0xFFFFFFFF))
(def-read get-long "The signed 64-bit integer at `offset`; opts {:order :little (default) or :big}."
  long 8 [mf at order] (.getLong mf at order))
(def-read get-float "The IEEE 754 single at `offset`, as a double; opts {:order}."
  double 4 [mf at order] (.getFloat mf at order))
(def-read get-double "The IEEE 754 double at `offset`; opts {:order :little (default) or :big}."
  double 8 [mf at order] (.getDouble mf at order))

(defmacro ^:private def-write
  "A writer of `width` bytes at a long offset: (f m offset v) little-endian, (f m offset v opts)."
  [fname doc width hint [mf at order v] expr]
  (let [m (gensym "m")
        offset (with-meta (gensym "offset") {:tag 'long})
        value (with-meta (gensym "v") {:tag hint})
        opts (gensym "opts")
        body (fn [order-form]
               `(let [mp# (->mapping ~(name fname) ~m)
                      ~mf (mapping/mapped-file mp#)
                      ~at (binary/at ~(name fname) mp# ~offset ~width)
                      ~order ~order-form
                      ~v ~value]
                  (errors/guard ~mf ~expr)
                  nil))]
    `(defn ~fname ~doc
       ([~m ~offset ~value] ~(body `ByteOrder/LITTLE_ENDIAN))
       ([~m ~offset ~value ~opts] ~(body `(binary/byte-order ~(name fname) ~opts))))))

(defn- signed-in-range ^long [fn-name ^long bits ^long v]
  (let [hi (dec (bit-shift-left 1 (dec bits)))]
    (when-not (<= (- (inc hi)) v hi)
      (throw (options/invalid fn-name (str v " is not a signed " bits "-bit value (" (- (inc hi)) " to " hi ")") {:value v})))
    v))

(def-write put-byte! "Writes the signed byte `v` (-128 to 127) at `offset`. Returns nil."
  1 long [mf at _ v] (.putByte mf at (byte (signed-in-range "put-byte!" 8 v))))
(def-write put-ubyte! "Writes the unsigned byte `v` (0 to 255) at `offset`."
  1 Object [mf at _ v] (.putByte mf at (unchecked-byte (binary/unsigned-in-range "put-ubyte!" 8 v))))
(def-write put-short! "Writes the signed 16-bit `v` at `offset`; opts {:order :little (default) or :big}."
  2 long [mf at order v] (.putShort mf at (short (signed-in-range "put-short!" 16 v)) order))
(def-write put-ushort! "Writes the unsigned 16-bit `v` (0 to 65535) at `offset`; opts {:order}."
  2 Object [mf at order v] (.putShort mf at (unchecked-short (binary/unsigned-in-range "put-ushort!" 16 v)) order))
(def-write put-int! "Writes the signed 32-bit `v` at `offset`; opts {:order :little (default) or :big}."
  4 long [mf at order v] (.putInt mf at (int (signed-in-range "put-int!" 32 v)) order))
(def-write put-uint! "Writes the unsigned 32-bit `v` (0 to 2^32-1) at `offset`; opts {:order}."
  4 Object [mf at order v] (.putInt mf at (unchecked-int (binary/unsigned-in-range "put-uint!" 32 v)) order))
(def-write put-long! "Writes the signed 64-bit `v` at `offset`; opts {:order :little (default) or :big}."
  8 long [mf at order v] (.putLong mf at v order))
(def-write put-float! "Writes `v` as an IEEE 754 single at `offset` (rounded as (float v) rounds); opts {:order}."
  4 double [mf at order v] (.putFloat mf at (float v) order))
(def-write put-double! "Writes the IEEE 754 double `v` at `offset`; opts {:order :little (default) or :big}."
  8 double [mf at order v] (.putDouble mf at v order))

;; Atomics: native byte order (little-endian on x86-64), naturally aligned offsets.

(defn compare-and-set-long!
  "Atomically sets the 64-bit integer at `offset` to `update` if it is `expect`; returns
  whether it did. For counters and flags shared between threads, and between processes that
  map the same file :read-write (or share :read-write anonymous memory). The offset must be
  aligned to 8 (an error says the nearest aligned ones); the value is in the machine's byte
  order (little-endian here)."
  [m ^long offset ^long expect ^long update]
  (let [mp (->mapping "compare-and-set-long!" m)
        at (binary/at "compare-and-set-long!" mp offset 8)]
    (errors/guard (mf mp) (.compareAndSetLong (mf mp) at expect update))))

(defn get-and-add-long!
  "Atomically adds `delta` to the 64-bit integer at `offset` (aligned to 8); returns the
  value before. See `compare-and-set-long!`."
  ^long [m ^long offset ^long delta]
  (let [mp (->mapping "get-and-add-long!" m)
        at (binary/at "get-and-add-long!" mp offset 8)]
    (errors/guard (mf mp) (.getAndAddLong (mf mp) at delta))))

(defn get-long-volatile
  "The 64-bit integer at `offset` (aligned to 8), read with volatile semantics: it sees what
  other threads and processes wrote before their volatile writes."
  ^long [m ^long offset]
  (let [mp (->mapping "get-long-volatile" m)
        at (binary/at "get-long-volatile" mp offset 8)]
    (errors/guard (mf mp) (.getLongVolatile (mf mp) at))))

(defn put-long-volatile!
  "Writes the 64-bit integer `v` at `offset` (aligned to 8) with volatile semantics. Returns nil."
  [m ^long offset ^long v]
  (let [mp (->mapping "put-long-volatile!" m)
        at (binary/at "put-long-volatile!" mp offset 8)]
    (errors/guard (mf mp) (.putLongVolatile (mf mp) at v))
    nil))

(defn compare-and-set-int!
  "`compare-and-set-long!` for the 32-bit integer at `offset` (aligned to 4)."
  [m ^long offset ^long expect ^long update]
  (let [mp (->mapping "compare-and-set-int!" m)
        at (binary/at "compare-and-set-int!" mp offset 4)]
    (errors/guard (mf mp) (.compareAndSetInt (mf mp) at (int (signed-in-range "compare-and-set-int!" 32 expect))
                                             (int (signed-in-range "compare-and-set-int!" 32 update))))))

(defn get-and-add-int!
  "`get-and-add-long!` for the 32-bit integer at `offset` (aligned to 4); wraps on overflow
  as Java's int addition does."
  ^long [m ^long offset ^long delta]
  (let [mp (->mapping "get-and-add-int!" m)
        at (binary/at "get-and-add-int!" mp offset 4)]
    (errors/guard (mf mp) (.getAndAddInt (mf mp) at (int (signed-in-range "get-and-add-int!" 32 delta))))))

(defn get-int-volatile
  "`get-long-volatile` for the 32-bit integer at `offset` (aligned to 4)."
  ^long [m ^long offset]
  (let [mp (->mapping "get-int-volatile" m)
        at (binary/at "get-int-volatile" mp offset 4)]
    (errors/guard (mf mp) (.getIntVolatile (mf mp) at))))

(defn put-int-volatile!
  "`put-long-volatile!` for the 32-bit integer `v` at `offset` (aligned to 4)."
  [m ^long offset ^long v]
  (let [mp (->mapping "put-int-volatile!" m)
        at (binary/at "put-int-volatile!" mp offset 4)]
    (errors/guard (mf mp) (.putIntVolatile (mf mp) at (int (signed-in-range "put-int-volatile!" 32 v))))
    nil))

(defn view
  "A view of the mapping (or slice) as numbers of `type`: :int8 :uint8 :int16 :uint16 :int32
  :uint32 :int64 :float32 :float64. Options:

    :offset  the byte offset of element 0 (default 0; any alignment)
    :count   how many elements (default: every whole element to the end)
    :order   :little (default) or :big

  A view reads through the mapping (no copy) and lives and dies with it. It is Counted,
  Indexed (`nth` within int range; `get` for long indices), Seqable (chunked, lazy) and
  reducible: it copies 8192 elements at a time into a primitive array, and (reduce + view)
  runs as a primitive loop, allocating nothing per element. Integers come out as longs,
  floats as doubles. It prints without its contents."
  ([m type] (view m type nil))
  ([m type opts] (binary/view "view" (->mapping "view" m) type opts)))

(defn get
  "Element `i` (a long) of a view, or the byte at offset `i` of a mapping."
  [v ^long i]
  (cond
    (instance? mmap.impl.binary.View v)
    (let [ev (binary/element-view v)]
      (when-not (and (<= 0 i) (< i (.count ev)))
        (throw (ex-info (str "get: index " i " is outside the view (" (.count ev) " elements)")
                        {:mmap/error :out-of-bounds :index i :count (.count ev)})))
      (errors/guard (.file ev) (if (.isFloating (.type ev)) (.getDouble ev i) (.getLong ev i))))
    (instance? Mapping v) (get-byte v i)
    :else (throw (options/invalid "get" (str "expected a view or a mapping, not " (pr-str (type v))) {:value v}))))

(defn ->array
  "Copies a view's elements [from, to) (default: all) into a new primitive array: byte[] for
  :int8, short[] for :int16 and :uint8, int[] for :int32 and :uint16, long[] for :int64 and
  :uint32, float[] and double[] (unsigned types go one size up, so values stay non-negative)."
  ([v] (->array v 0 (.count (binary/element-view v))))
  ([v from to] (binary/->array v from to)))

(defn npy
  "Maps a NumPy .npy file (format 1.0, 2.0 or 3.0; dtypes i1 u1 i2 u2 i4 u4 i8 f4 f8 in
  either byte order) and returns

    {:dtype :int64 :order :little :shape [1000 3] :fortran-order? false :version \"1.0\"
     :view <the data as a view, no copy> :mapping <the file's mapping>}

  Elements are in the file's order (row-major, or column-major when :fortran-order?).
  Close :mapping (or use with-open on it) when done. opts: {:mode :read-only (default),
  :read-write or :private}. A dtype it cannot read (objects, strings, structured, complex)
  is an :invalid-argument error that names it."
  ([path] (npy path nil))
  ([path opts]
   (let [opts (options/validate "npy" (select-keys options/map-file-spec [:mode]) opts)
         p (->path "npy" path)]
     (binary/npy->map (errors/guard (str p) (Npy/open p (java-options opts)))))))
