(ns mmap.impl.errors
  "The Clojure face of the Java layer's exceptions. The kernel's refusals stay
  mmap.ErrnoException; everything else becomes an ex-info whose data says what happened,
  under :mmap/error, and names the file under :mmap/path:

    :invalid-argument  a caller's mistake (IllegalArgumentException)
    :out-of-bounds     a range outside the mapping (IndexOutOfBoundsException)
    :read-only         a write to a :read-only mapping
    :closed            a use after close
    :illegal-state     a mapping protected against the access, resized under it, or held by a native call
    :truncated         the file was truncated under the mapping (the JVM's SIGBUS)"
  (:import (clojure.lang ExceptionInfo)
           (java.util.concurrent CancellationException)
           (mmap ErrnoException MappedFile TruncatedFileException)))

(set! *warn-on-reflection* true)

(defn- where [source]
  (cond (instance? MappedFile source) (or (some-> (.path ^MappedFile source) str) "anonymous memory")
        (some? source) (str source)))

(defn translate
  "The exception to throw for `t`, thrown while `source` (a MappedFile, or the path being
  mapped, or nil) was in use."
  ^Throwable [source ^Throwable t]
  (let [mf (when (instance? MappedFile source) source)
        ^Throwable t (if (and mf (or (instance? InternalError t) (instance? IllegalStateException t)))
                       (.explain ^MappedFile mf t)
                       t)
        path (where source)]
    (cond
      (or (instance? ExceptionInfo t) (instance? ErrnoException t) (instance? CancellationException t)) t
      (instance? TruncatedFileException t)
      (let [^TruncatedFileException tf t]
        (ex-info (.getMessage tf) {:mmap/error :truncated :mmap/path path :offset (.offset tf)
                                   :length (.length tf) :file-size (.fileSize tf)} t))
      (instance? IndexOutOfBoundsException t)
      (ex-info (.getMessage t) {:mmap/error :out-of-bounds :mmap/path path} t)
      (instance? IllegalArgumentException t)
      (ex-info (.getMessage t) {:mmap/error :invalid-argument :mmap/path path} t)
      (instance? UnsupportedOperationException t)
      (ex-info (.getMessage t) {:mmap/error :read-only :mmap/path path} t)
      (instance? IllegalStateException t)
      (if (and mf (not (.isOpen ^MappedFile mf)))
        (ex-info (str "The mapping of " path " is closed: " (.getMessage t)
                      ". Realize lazy results inside with-open, or copy bytes out with `bytes`.")
                 {:mmap/error :closed :mmap/path path} t)
        (ex-info (str (.getMessage t)) {:mmap/error :illegal-state :mmap/path path} t))
      :else t)))

(defmacro guard
  "Runs body, throwing what `translate` makes of its exceptions."
  [mf & body]
  `(try ~@body
        (catch RuntimeException e# (throw (translate ~mf e#)))
        (catch InternalError e# (throw (translate ~mf e#)))))

(defn check-open
  "Throws the :closed ex-info when `mf` is closed: lazy results check before each step, so
  that a seq realized after close fails the same way whether or not its next items were
  already copied."
  [^MappedFile mf]
  (when-not (.isOpen mf)
    (throw (translate mf (IllegalStateException. (str "the mapping of " (where mf) " is closed"))))))
