(ns mmap.real-text-test
  "The patterns people type, and others nobody tuned for, over real text: the first few MB of
  the running JDK's own sources (lib/src.zip, .java files in sorted path order). Every count
  and every match equals (re-seq re (slurp f))."
  (:require [clojure.java.io :as io]
            [clojure.test :refer [deftest is testing]]
            [mmap.core :as m]
            [mmap.test-support :as ts])
  (:import (java.io ByteArrayOutputStream)
           (java.util.zip ZipEntry ZipFile)))

(set! *warn-on-reflection* true)

(def ^:private corpus-bytes (* 6 1024 1024))

(defn- jdk-sources
  "A temp file of the first `corpus-bytes` of the JDK's .java sources, or nil without src.zip."
  []
  (let [zip (io/file (System/getProperty "java.home") "lib/src.zip")]
    (when (.isFile zip)
      (with-open [z (ZipFile. zip)]
        (let [entries (sort-by #(.getName ^ZipEntry %)
                               (filter #(.endsWith (.getName ^ZipEntry %) ".java") (enumeration-seq (.entries z))))
              out (ByteArrayOutputStream.)]
          (doseq [^ZipEntry e entries
                  :while (< (.size out) corpus-bytes)]
            (with-open [in (.getInputStream z e)] (io/copy in out)))
          (ts/temp-file (.toByteArray out) ".java"))))))

(def patterns
  ["\\w+@\\w+\\.\\w+" "(\\d{1,3}\\.){3}\\d{1,3}" "ERROR|WARN|FATAL" "(?i)timeout" "\\w+Exception\\b"
   "[A-Z][a-z]+[A-Z][a-z]+" "public static final (\\w+) (\\w+)" "(?m)^\\s*//.*$" "\"[^\"]*\"" "\\bint\\b"
   "@param\\s+(\\w+)" "\\d+"
   ;; not tuned for
   "(?i)error|warn(ing)?|fatal" "\\b(the|an?)\\s+\\w+" "'[^']*'" "(?m)^$" "(?m)\\s+$" "\\$\\w+" "(a|b|c|d|e)+x"
   "ERROR|WARN|FATAL|DEBUG|INFO|TRACE|SEVERE|NOTICE" "(?s)/\\*\\*.*?\\*/" "\\p{Lu}{2,}_\\p{Lu}+" "(?U)\\w+ing\\b"
   "[^\\x00-\\x7f]+" "<([A-Z]\\w*)>" "(?i)(?<!@)link\\b" "\\{@code [^}]*\\}"])

(deftest real-text-equals-slurp
  (if-let [f (jdk-sources)]
    (let [text (slurp f)]
      (doseq [p patterns
              :let [re (re-pattern p)
                    expected (re-seq re text)]]
        (testing p
          (is (= (count expected) (m/count-matches re f) (m/count-matches re f {:threads 2 :chunk-size (* 256 1024)})))
          (is (= expected (m/re-seq re f {:threads 2 :chunk-size (* 256 1024)}))))))
    (ts/skip! "the JDK has no lib/src.zip")))
