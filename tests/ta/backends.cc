#include "backends.h"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace stoa::ta::testing {
namespace {

std::string run_output(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr)
    out += buf;
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

std::string make_temp_dir() {
  std::string tmpl = "/tmp/stoa-ta-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

std::vector<std::string>& temp_dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

// The PostgreSQL server of this test binary.
class PgServer {
 public:
  static PgServer& get() {
    static PgServer server;
    return server;
  }
  ~PgServer() { stop(); }
  PgServer() = default;
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;
  bool started() const { return pid_ > 0; }
  const std::string& socket_dir() const { return dir_; }

  void start() {
    if (pid_ > 0) return;
    std::string bindir = run_output("pg_config --bindir 2>/dev/null");
    if (bindir.empty() || access((bindir + "/initdb").c_str(), X_OK) != 0) {
      bindir = "/usr/lib/postgresql/15/bin";
    }
    dir_ = make_temp_dir();
    std::string as_user;
    if (geteuid() == 0) {  // initdb refuses root: the server runs as nobody
      const passwd* pw = getpwnam("nobody");
      if (pw == nullptr) throw std::runtime_error("no user nobody to run PostgreSQL as");
      if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) throw std::runtime_error("chown");
      as_user = "runuser -u nobody -- ";
    }
    const std::string data = dir_ + "/data";
    const std::string initdb = as_user + bindir + "/initdb -D " + data +
                               " -U stoa -A trust --locale=C -E UTF8 --no-sync > " + dir_ +
                               "/initdb.log 2>&1";
    if (std::system(initdb.c_str()) != 0) {
      throw std::runtime_error("initdb failed: see " + dir_ + "/initdb.log");
    }
    const std::string start = as_user + bindir + "/pg_ctl -D " + data + " -l " + dir_ +
                              "/server.log -w -t 60 -o \"-k " + dir_ +
                              " -c listen_addresses='' -c fsync=off -c port=5432\" start"
                              " > " +
                              dir_ + "/pg_ctl.log 2>&1";
    if (std::system(start.c_str()) != 0) {
      throw std::runtime_error("pg_ctl start failed: see " + dir_ + "/server.log");
    }
    std::ifstream pidfile(data + "/postmaster.pid");
    pidfile >> pid_;
    if (pid_ <= 0) throw std::runtime_error("no postmaster.pid in " + data);
    start_watchdog();
  }

  // A process that outlives this binary if it is killed (SIGKILL, a timeout, a broken pipe):
  // once its parent is gone it stops the server by PID and removes the directory.
  void start_watchdog() {
    const std::string script = "while kill -0 " + std::to_string(getpid()) +
                               " 2>/dev/null; do sleep 1; done; kill -INT " + std::to_string(pid_) +
                               " 2>/dev/null; sleep 3; kill -KILL " + std::to_string(pid_) +
                               " 2>/dev/null; rm -rf " + dir_;
    watchdog_ = fork();
    if (watchdog_ == 0) {
      execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }

  // Fast shutdown by PID, then SIGKILL if it lingers; removes the directory.
  void stop() {
    admin_.reset();
    if (watchdog_ > 0) {
      kill(watchdog_, SIGKILL);
      waitpid(watchdog_, nullptr, 0);
      watchdog_ = 0;
    }
    if (pid_ > 0) {
      kill(pid_, SIGINT);
      for (int i = 0; i < 200 && kill(pid_, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (kill(pid_, 0) == 0) kill(pid_, SIGKILL);
      pid_ = 0;
    }
    if (!dir_.empty()) {
      std::system(("rm -rf " + dir_).c_str());
      dir_.clear();
    }
  }

  std::string url(const std::string& db) const {
    return "postgresql:///" + db + "?host=" + dir_ + "&port=5432&user=stoa";
  }

  // A fresh schema in the tests' database (much cheaper than a database per test), made the
  // connection's search path through the URL.
  std::string create_database() {
    start();
    if (!admin_) {
      open_postgres(url("postgres"))->exec_script("CREATE DATABASE stoa_tests");
      admin_ = open_postgres(url("stoa_tests"));
    }
    const std::string name = "t" + std::to_string(++databases_);
    admin_->exec_script("CREATE SCHEMA " + name);
    return url("stoa_tests") + "&options=-csearch_path%3D" + name;
  }

 private:
  pid_t pid_ = 0;
  pid_t watchdog_ = 0;
  std::string dir_;
  int databases_ = 0;
  std::unique_ptr<Db> admin_;
};

class Cleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    PgServer::get().stop();
    for (const std::string& d : temp_dirs())
      std::system(("rm -rf " + d).c_str());
    temp_dirs().clear();
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new Cleanup);

}  // namespace

std::string temp_dir() {
  temp_dirs().push_back(make_temp_dir());
  return temp_dirs().back();
}

std::unique_ptr<Db> fresh_db(Backend b, std::string* url) {
  std::string u;
  if (b == Backend::kSqlite) {
    u = temp_dir() + "/ta.sqlite";
  } else {
    u = PgServer::get().create_database();
  }
  if (url != nullptr) *url = u;
  return open_db(u);
}

}  // namespace stoa::ta::testing
