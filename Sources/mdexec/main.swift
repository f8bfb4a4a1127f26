print("mdexec")
