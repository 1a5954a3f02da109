(ns mmap.impl.files
  "Which files a search covers: directory walks and --include/--exclude globs, as GNU grep
  chooses them. Shared by the grep command and mmap.core/grep."
  (:require [clojure.string :as str])
  (:import (java.io File)
           (java.nio.file Files LinkOption Path)
           (java.nio.file.attribute BasicFileAttributes)
           (java.util.regex Pattern)))

(set! *warn-on-reflection* true)

(defn glob->regex
  "fnmatch(3) wildcards as a Pattern: * ? [...] (with ! or ^ to negate) and \\ escapes."
  ^Pattern [^String glob]
  (let [sb (StringBuilder.)]
    (loop [i 0]
      (when (< i (count glob))
        (let [c (.charAt glob i)]
          (case c
            \* (do (.append sb ".*") (recur (inc i)))
            \? (do (.append sb ".") (recur (inc i)))
            \\ (do (when (< (inc i) (count glob)) (.append sb (Pattern/quote (str (.charAt glob (inc i)))))) (recur (+ i 2)))
            \[ (let [close (str/index-of glob "]" (+ i 2))]
                 (if (nil? close)
                   (do (.append sb "\\[") (recur (inc i)))
                   (let [body (subs glob (inc i) close)
                         body (if (#{\! \^} (first body)) (str "^" (subs body 1)) body)]
                     (.append sb (str "[" (str/replace body "\\" "\\\\") "]"))
                     (recur (inc (long close))))))
            (do (.append sb (Pattern/quote (str c))) (recur (inc i)))))))
    (Pattern/compile (str sb) Pattern/DOTALL)))

(defn- name-suffixes
  "The whole name, and each trailing part that starts after a slash: what GNU matches --exclude against."
  [^String path]
  (cons path (keep-indexed (fn [i c] (when (and (= c \/) (< (inc i) (count path)) (not= \/ (.charAt path (inc i))))
                                       (subs path (inc i))))
                           path)))

(defn included?
  "GNU's rule: the last --include/--exclude that matches decides; with none matching, a file
  is included unless the first such option is --include. Files met in recursion are matched
  by their base name, command-line files by any name suffix."
  [globs ^String path command-line?]
  (if (empty? globs)
    true
    (let [names (if command-line? (name-suffixes path) [(.getName (File. path))])
          decision (reduce (fn [d [kind ^Pattern re]]
                             (if (some #(.matches (.matcher re ^String %)) names) (= kind :include) d))
                           nil globs)]
      (if (some? decision) decision (not= :include (ffirst globs))))))

(defn- join-path [^String dir ^String name]
  (if (str/ends-with? dir "/") (str dir name) (str dir "/" name)))

(defn- walk*
  [^String dir follow? globs seen]
  (let [names (try (sort (.list (File. dir))) (catch Exception _ nil))]
    (mapcat (fn [name]
              (let [p (join-path dir name)
                    path (Path/of p (make-array String 0))
                    link? (Files/isSymbolicLink path)
                    opts (if follow? (make-array LinkOption 0) (into-array LinkOption [LinkOption/NOFOLLOW_LINKS]))
                    ^BasicFileAttributes attrs (try (Files/readAttributes path BasicFileAttributes ^"[Ljava.nio.file.LinkOption;" opts)
                                                    (catch Exception _ nil))]
                (cond
                  (or (nil? attrs) (and link? (not follow?))) []
                  ;; A directory that is its own ancestor (through a link) is a loop: not entered again.
                  (.isDirectory attrs) (let [k (.fileKey attrs)]
                                         (if (and k (contains? seen k))
                                           []
                                           (walk* p follow? globs (if k (conj seen k) seen))))
                  (.isRegularFile attrs) (if (included? globs name false) [[p p]] [])
                  :else [])))
            names)))

(defn walk
  "The regular files under `dir` (a path string) as [label path] pairs in sorted path order;
  `follow?` follows symbolic links met on the way (else they are skipped), and devices,
  FIFOs and sockets met on the way are skipped, as GNU grep -r/-R do. `globs` are
  [:include|:exclude Pattern] pairs, matched against base names. A directory reached again
  below itself through a link is not entered again (GNU grep reports a loop there)."
  [^String dir follow? globs]
  (let [k (try (.fileKey (Files/readAttributes (Path/of dir (make-array String 0)) BasicFileAttributes
                                               ^"[Ljava.nio.file.LinkOption;" (make-array LinkOption 0)))
               (catch Exception _ nil))]
    (sort-by first (walk* dir follow? globs (if k #{k} #{})))))
